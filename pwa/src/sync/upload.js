// Resumable photo upload (docs: backend/media/api.py): start an upload (idempotent by the photo's
// client id), ask the server how many bytes it holds, send the rest in chunks, then complete.
// An interrupted upload resumes where the server stopped, never from zero and never twice.
// No DOM: `request` is the API client's send() ({ status, data } for every HTTP answer).
import { PausedError } from './errors.js'

export const DEFAULT_CHUNK_BYTES = 256 * 1024

const ok = (status) => status >= 200 && status < 300

/** How often in a row a chunk may meet an expired token (refreshed each time) before giving up. */
const MAX_REAUTH = 3

/**
 * Upload one stored photo. `photo`: { id, blob, meta: { sha256, capturedAt, gps, filename, uploadId } }.
 * `onUploadId(id)` keeps the server's upload id on the device (before any byte is sent);
 * `progress(fraction)` reports bytes sent: the server's offset, plus the bytes of the chunk on
 * its way (so a bar moves within the first chunk on a slow link). `beforeChunk()` is awaited
 * before each chunk (the outbox lets a data push in flight finish first: results before photos);
 * then `shouldStop()` is asked (photo upload paused): it throws PausedError, the server keeps what
 * it has.
 * A chunk answered 401 is not sent again blindly: the client refreshed the token
 * (`resendAfterRefresh: false`), so the upload asks the server for its offset and goes on from there.
 * Resolves to the final answer: `{ status: 200, data: <server photo> }` when done, else the
 * first answer that was not a success (the outbox decides what it means).
 */
export async function uploadPhoto({ request, photo, deviceId, chunkBytes = DEFAULT_CHUNK_BYTES, onUploadId = async () => {}, progress = () => {}, shouldStop = () => false, beforeChunk = async () => {} }) {
  const { blob, meta } = photo
  let upload = null
  if (meta.uploadId) {
    const answer = await request('GET', `/api/v1/uploads/${meta.uploadId}`)
    if (ok(answer.status)) upload = answer.data
    else if (answer.status !== 404) return answer
  }
  if (!upload) {
    const answer = await request('POST', '/api/v1/uploads', {
      body: {
        client_id: photo.id,
        size: blob.size,
        sha256: meta.sha256,
        content_type: blob.type || 'image/jpeg',
        filename: meta.filename ?? `${photo.id}.jpg`,
        captured_at: meta.capturedAt,
        device_id: deviceId,
        gps: meta.gps ?? null,
        // Chain of custody: the camera's own file, re-encoded on the phone (imaging.js).
        original_sha256: meta.originalSha256 ?? null,
        exif: meta.exif ?? null,
      },
    })
    if (!ok(answer.status)) return answer
    upload = answer.data
    await onUploadId(upload.id)
  }
  let offset = upload.offset ?? 0
  let reauth = 0
  progress(offset / blob.size)
  while (upload.status === 'receiving' && offset < blob.size) {
    await beforeChunk() // data first: a push on its way has the link to itself
    if (shouldStop()) throw new PausedError()
    const start = offset
    const chunk = blob.slice(start, Math.min(blob.size, start + chunkBytes))
    const answer = await request('PUT', `/api/v1/uploads/${upload.id}?offset=${start}`, {
      body: chunk,
      headers: { 'Content-Type': 'application/octet-stream' },
      resendAfterRefresh: false,
      onUploadProgress: (loaded) => progress(Math.min(start + loaded, start + chunk.size) / blob.size),
    })
    if (answer.status === 401 && answer.refreshed && reauth < MAX_REAUTH) {
      // A new token: where is the server? (It may hold this chunk already.)
      reauth += 1
      const where = await request('GET', `/api/v1/uploads/${upload.id}`)
      if (!ok(where.status)) return where
      upload = where.data
      offset = upload.offset
      progress(offset / blob.size)
      continue
    }
    if (answer.status === 409 && answer.data?.error === 'media.offset_mismatch') {
      offset = answer.data.detail?.offset ?? offset // the server holds more (or less): go on from there
      continue
    }
    if (!ok(answer.status)) return answer
    reauth = 0
    upload = answer.data
    offset = upload.offset
    progress(offset / blob.size)
  }
  // Completing is repeatable: an upload the server already completed answers its photo again.
  const done = await request('POST', `/api/v1/uploads/${upload.id}/complete`)
  if (ok(done.status)) progress(1)
  return done
}
