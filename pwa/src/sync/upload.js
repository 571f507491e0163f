// Resumable photo upload (docs: backend/media/api.py): start an upload (idempotent by the photo's
// client id), ask the server how many bytes it holds, send the rest in chunks, then complete.
// An interrupted upload resumes where the server stopped, never from zero and never twice.
// No DOM: `request` is the API client's send() ({ status, data } for every HTTP answer).

export const DEFAULT_CHUNK_BYTES = 256 * 1024

const ok = (status) => status >= 200 && status < 300

/**
 * Upload one stored photo. `photo`: { id, blob, meta: { sha256, capturedAt, gps, filename, uploadId } }.
 * `onUploadId(id)` keeps the server's upload id on the device (before any byte is sent);
 * `progress(fraction)` reports bytes the server confirmed.
 * Resolves to the final answer: `{ status: 200, data: <server photo> }` when done, else the
 * first answer that was not a success (the outbox decides what it means).
 */
export async function uploadPhoto({ request, photo, deviceId, chunkBytes = DEFAULT_CHUNK_BYTES, onUploadId = async () => {}, progress = () => {} }) {
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
  progress(offset / blob.size)
  while (upload.status === 'receiving' && offset < blob.size) {
    const chunk = blob.slice(offset, Math.min(blob.size, offset + chunkBytes))
    const answer = await request('PUT', `/api/v1/uploads/${upload.id}?offset=${offset}`, {
      body: chunk,
      headers: { 'Content-Type': 'application/octet-stream' },
    })
    if (answer.status === 409 && answer.data?.error === 'media.offset_mismatch') {
      offset = answer.data.detail?.offset ?? offset // the server holds more (or less): go on from there
      continue
    }
    if (!ok(answer.status)) return answer
    upload = answer.data
    offset = upload.offset
    progress(offset / blob.size)
  }
  // Completing is repeatable: an upload the server already completed answers its photo again.
  const done = await request('POST', `/api/v1/uploads/${upload.id}/complete`)
  if (ok(done.status)) progress(1)
  return done
}
