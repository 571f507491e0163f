// Bridges the framework-free outbox (src/sync) to Vue: a reactive view of the queue for badges
// and the outbox screen, and the browser signals that should wake it up. Entries of kind "op"
// are sync push operations (docs/sync.md) and "upload" a resumable photo upload.
import { reactive } from 'vue'
import { appDb, getPhoto, updatePhotoMeta } from '../db/index.js'
import { createOutbox } from '../sync/outbox.js'
import { deviceId, interpretPush, pushBody } from '../sync/field.js'
import { DEFAULT_CHUNK_BYTES, uploadPhoto } from '../sync/upload.js'
import { api } from './api.js'
import { session } from './session.js'

export const outboxState = reactive({ entries: [], recentlySent: [], offline: false, started: false })

let outbox = null
const listeners = []

let reads = 0
async function refresh() {
  if (!outbox) return
  // Reads overlap (every change triggers one): only the newest may land, or a stale list wins.
  const mine = ++reads
  const entries = await outbox.entries()
  if (mine === reads) outboxState.entries = entries
}

/** Chunk size of photo uploads; a test (or a slow network) may set it smaller on the device. */
function chunkBytes() {
  const chosen = Number(globalThis.localStorage?.getItem('chajian.uploadChunkBytes'))
  return Number.isInteger(chosen) && chosen >= 1024 ? chosen : DEFAULT_CHUNK_BYTES
}

async function sendUpload(db, entry, progress) {
  const photo = await getPhoto(db, entry.meta.photoId)
  if (!photo) return { status: 410, data: { error: 'photo.missing_on_device', message: 'photo missing on this device' } }
  if (photo.meta.serverPhotoId) return { status: 200, data: { id: photo.meta.serverPhotoId } }
  const answer = await uploadPhoto({
    request: (method, path, options) => api.send(method, path, options),
    photo,
    deviceId: await deviceId(db),
    chunkBytes: chunkBytes(),
    onUploadId: (uploadId) => updatePhotoMeta(db, photo.id, { uploadId }),
    progress,
  })
  if (answer.status >= 200 && answer.status < 300) {
    await updatePhotoMeta(db, photo.id, { serverPhotoId: answer.data.id, serverSha256: answer.data.sha256 })
  }
  return answer
}

async function sendEntry(entry, progress) {
  const db = await appDb()
  if (entry.kind === 'upload') return sendUpload(db, entry, progress)
  const headers = { 'Idempotency-Key': entry.id }
  if (entry.kind === 'op') {
    let photoId = null
    if (entry.body.type === 'photo.attach') {
      photoId = (await getPhoto(db, entry.meta.photoId))?.meta.serverPhotoId
      // Its upload (queued before it) has not finished: wait and retry, without claiming "offline".
      if (!photoId) return { status: 425, data: { error: 'photo.upload_pending', message: 'photo upload not finished' } }
    }
    return api.send('POST', entry.url, { body: pushBody(await deviceId(db), entry, photoId), headers })
  }
  return api.send(entry.method, entry.url, { body: entry.body, headers })
}

/** Start sending (after sign-in). Safe to call more than once. */
export async function startOutbox() {
  if (!outbox) {
    const db = await appDb()
    outbox = createOutbox({
      db,
      owner: () => session.user?.id ?? null,
      send: (entry, { progress } = {}) => sendEntry(entry, progress ?? (() => {})),
      interpret: (entry, response) => (entry.kind === 'op' ? interpretPush(response) : undefined),
    })
    outbox.on('change', refresh)
    outbox.on('offline', () => (outboxState.offline = true))
    outbox.on('online', () => (outboxState.offline = false))
    outbox.on('progress', ({ seq, progress }) => {
      const shown = outboxState.entries.find((entry) => entry.seq === seq)
      if (shown) shown.progress = progress
    })
    outbox.on('sent', ({ entry }) => {
      outboxState.recentlySent = [{ ...entry, state: 'sent', sentAt: Date.now() }, ...outboxState.recentlySent].slice(0, 20)
    })
    for (const [event, listener] of listeners) outbox.on(event, listener)
    // navigator.onLine lies, but its "online" event is a good moment to try again.
    window.addEventListener('online', () => outbox.retryNow())
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') outbox.retryNow()
    })
  }
  await refresh()
  outboxState.started = true
  outbox.start().then(refresh)
}

export function stopOutbox() {
  outbox?.stop()
}

/** Queue a write (screens of other teams call this). */
export async function enqueue(write) {
  await startOutbox()
  const entry = await outbox.enqueue(write)
  outbox.run()
  return entry
}

/** Listen to the outbox's events (sent, conflict, idle…), also before it started. */
export function onOutboxEvent(event, listener) {
  listeners.push([event, listener])
  if (outbox) outbox.on(event, listener)
}

export const retryOutbox = () => outbox?.retryNow()
export const requeueOutboxEntry = (seq) => outbox?.requeue(seq)
export const amendOutboxEntry = (seq, changes) => outbox?.amend(seq, changes)
export async function discardOutboxEntry(seq) {
  await outbox?.discard(seq)
  return outbox?.retryNow()
}
