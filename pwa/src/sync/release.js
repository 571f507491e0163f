// Photos leave the phone once the server has them: after the upload completed (the server's photo
// id is on the photo) AND the photo's link to the inspection was applied, the full Blob is replaced
// by a small thumbnail (screens still show it; the evidence hashes stay). Never before both.
// No DOM: `makeThumbnail(blob)` is given by the app (a canvas in the browser).
import { getPhoto, releasePhoto, updatePhotoMeta } from '../db/photos.js'

/** Record that the server holds this photo (the upload answered with its photo). */
export const markUploaded = (db, photoId, photo) => updatePhotoMeta(db, photoId, { serverPhotoId: photo.id, serverSha256: photo.sha256 ?? null })

/** Record that the photo's link was applied, then release it when the upload is also done. */
export async function markLinked(db, photoId, { serverPhotoId = null, makeThumbnail } = {}) {
  const changes = { linked: true }
  if (serverPhotoId != null) changes.serverPhotoId = serverPhotoId
  const photo = await updatePhotoMeta(db, photoId, changes)
  if (!photo) return null
  return releaseWhenDone(db, photoId, { makeThumbnail })
}

/** Swap the full Blob for a thumbnail when both conditions hold; null when not (yet). */
export async function releaseWhenDone(db, photoId, { makeThumbnail }) {
  const photo = await getPhoto(db, photoId)
  if (!photo || photo.meta?.released || !photo.meta?.serverPhotoId || !photo.meta?.linked) return null
  let thumbnail
  try {
    thumbnail = await makeThumbnail(photo.blob) // outside any transaction
  } catch {
    return null // no thumbnail, no release: the full photo stays
  }
  if (!(thumbnail instanceof Blob) || thumbnail.size >= photo.size) return null
  return releasePhoto(db, photoId, thumbnail)
}
