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
