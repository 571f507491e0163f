// Photos taken on site, stored as Blobs until they are uploaded (never inside a record, so
// listing records stays cheap).
import { STORES, newId } from './schema.js'

/** Keep a photo Blob with its metadata (time, GPS, who…). Returns the stored entry without reading the Blob. */
export async function putPhoto(db, { blob, recordId, meta = {}, id = newId() }) {
  if (!(blob instanceof Blob)) throw new TypeError('photo blob must be a Blob')
  const entry = { id, recordId, blob, meta, size: blob.size, type: blob.type, createdAt: Date.now(), uploaded: false }
  await db.put(STORES.photos, entry)
  return entry
}

export const getPhoto = (db, id) => db.get(STORES.photos, id)

export const listPhotos = (db, recordId) => db.getAllFromIndex(STORES.photos, 'by_record', recordId)

export const deletePhoto = (db, id) => db.delete(STORES.photos, id)

/** Change a photo's metadata (upload id, server photo id…) in one read-modify-write transaction. */
export async function updatePhotoMeta(db, id, changes) {
  const tx = db.transaction(STORES.photos, 'readwrite')
  const current = await tx.store.get(id)
  if (!current) {
    await tx.done
    return null
  }
  const updated = { ...current, meta: { ...current.meta, ...changes } }
  await tx.store.put(updated)
  await tx.done
  return updated
}

/** How many photos of one record the device holds. */
export const countPhotos = (db, recordId) => db.countFromIndex(STORES.photos, 'by_record', recordId)

/**
 * The server has this photo and its link: keep only a small thumbnail Blob in place of the full
 * one (meta.released = true; the hashes and the server photo id stay). Refuses a photo whose
 * upload or link is not confirmed (meta.serverPhotoId and meta.linked).
 */
export async function releasePhoto(db, id, thumbnail) {
  if (!(thumbnail instanceof Blob)) throw new TypeError('thumbnail must be a Blob')
  const tx = db.transaction(STORES.photos, 'readwrite')
  const current = await tx.store.get(id)
  if (!current || current.meta?.released || !current.meta?.serverPhotoId || !current.meta?.linked) {
    await tx.done
    return null
  }
  const released = {
    ...current,
    blob: thumbnail,
    type: thumbnail.type,
    size: thumbnail.size,
    uploaded: true,
    meta: { ...current.meta, released: true, releasedAt: Date.now(), fullSize: current.size },
  }
  await tx.store.put(released)
  await tx.done
  return released
}

/**
 * What the photos store holds: photos kept whole and released (thumbnail only) with their bytes.
 * One cursor over the store (the settings page; Blob contents are not read).
 */
export async function photoStats(db) {
  const stats = { full: 0, fullBytes: 0, released: 0, releasedBytes: 0 }
  const tx = db.transaction(STORES.photos)
  let cursor = await tx.store.openCursor()
  while (cursor) {
    const { meta, size = 0 } = cursor.value
    if (meta?.released) {
      stats.released += 1
      stats.releasedBytes += size
    } else {
      stats.full += 1
      stats.fullBytes += size
    }
    cursor = await cursor.continue()
  }
  await tx.done
  return stats
}
