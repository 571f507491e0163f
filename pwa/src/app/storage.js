// Persistent storage: without it the browser may evict IndexedDB (unsent inspections!) under
// storage pressure. Ask for it and tell the user when the browser says no.
import { LANES, STORES, appDb, countOutbox, getPhoto, listOutboxByLane, photoStats } from '../db/index.js'

async function estimate() {
  try {
    const { usage = null, quota = null } = (await navigator.storage.estimate?.()) ?? {}
    return { usage, quota }
  } catch {
    return { usage: null, quota: null }
  }
}

export async function storageStatus() {
  if (!navigator.storage?.persisted) return { supported: false, persisted: false, refused: false, usage: null, quota: null }
  const persisted = await navigator.storage.persisted()
  return { supported: true, persisted, refused: !persisted, ...(await estimate()) }
}

/** Ask the browser to keep our data; resolves to the resulting status. */
export async function requestPersistence() {
  if (!navigator.storage?.persist) return storageStatus()
  const persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist())
  return { supported: true, persisted, refused: !persisted, ...(await estimate()) }
}

let asked = null

/** Ask once per page load (screens that hold unsent data show the answer). */
export function persistenceOnce() {
  if (!asked) asked = requestPersistence().catch(() => ({ supported: false, persisted: false, refused: false, usage: null, quota: null }))
  return asked
}

let ensured = null

/**
 * Ask for persistent storage once, at the first recorded photo (the outbox calls it when a photo
 * upload is queued): photos are the bulk of what an eviction would lose.
 */
export function ensurePersistentStorage() {
  if (!ensured) ensured = persistenceOnce()
  return ensured
}

/**
 * What the phone holds, told plainly on the settings page: the browser's estimate, and our own
 * counts — data records, photos kept whole and released (thumbnail only), unsent entries and the
 * bytes of photos still to upload.
 */
export async function storageReport() {
  const db = await appDb()
  const [{ usage, quota }, records, photos, unsent, uploads] = await Promise.all([
    estimate(),
    db.count(STORES.records),
    photoStats(db),
    countOutbox(db),
    listOutboxByLane(db, LANES.photo),
  ])
  let unsentPhotoBytes = 0
  for (const entry of uploads) unsentPhotoBytes += entry.meta?.size ?? (await getPhoto(db, entry.meta?.photoId))?.size ?? 0
  return { usage, quota, records, photos, unsent, unsentPhotos: uploads.length, unsentPhotoBytes }
}
