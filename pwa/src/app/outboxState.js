// Bridges the framework-free outbox (src/sync) to Vue: a reactive view of the queue for badges
// and the outbox screen, and the browser signals that wake it up (network back, page shown,
// Background Sync, a timer with backoff). Entries of kind "op" are sync push operations
// (docs/sync.md), sent in batches; "upload" a resumable photo upload in its own lane.
//
// The screen state is kept per record (instruction): a change re-reads that record's entries
// through an index, never the whole queue, so a day of 1,000 entries stays as quick as ten.
import { reactive } from 'vue'
import { LANES, appDb, countPhotos, findByServerId, getPhoto, kvGet, kvSet, listOutbox, listOutboxByLane, listOutboxByRecord, updatePhotoMeta } from '../db/index.js'
import { createOutbox } from '../sync/outboxProcessor.js'
import { PUSH_URL, deviceId, pushBatchBody } from '../sync/fieldProtocol.js'
import { DEFAULT_CHUNK_BYTES, uploadPhoto } from '../sync/upload.js'
import { markLinked, markUploaded } from '../sync/release.js'
import { instructionIdOf, orderGroups, summarizeRecord, withEntry } from '../sync/summary.js'
import { api } from './api.js'
import { session } from './session.js'
import { ensurePersistentStorage } from './storage.js'
import { makeThumbnail } from './thumbnail.js'

const PAUSE_KEY = 'sync.photosPaused'
const SYNC_TAG = 'chajian-outbox'
const NO_RECORD = '' // REST writes without a record share one group

const cache = new Map() // recordId → its entries (plain, not reactive), oldest first

export const outboxState = reactive({
  revision: 0, // bumped on every refresh: what reads the cache depends on it
  count: 0, // entries on the device
  groups: [], // one summary per record (instruction), conflicts first
  conflicts: [], // entries the server refused, oldest first
  offline: false,
  started: false,
  photosPaused: false,
  recentlySent: [],
  /** Every queued entry, oldest first (from the per-record cache: no database read). */
  get entries() {
    void this.revision
    return [...cache.values()].flat().sort((a, b) => a.seq - b.seq)
  },
})

/** Entries waiting for one record (e.g. `instruction:12`), from the cache. */
export function pendingFor(recordId) {
  void outboxState.revision
  return cache.get(recordId)?.length ?? 0
}

/** One record's entries (the outbox screen's expanded group), oldest first. */
export function entriesOf(recordId) {
  void outboxState.revision
  return cache.get(recordId ?? NO_RECORD) ?? []
}

let outbox = null
const listeners = []
const summaries = new Map()
const titles = new Map()

async function titleOf(db, recordId) {
  if (titles.has(recordId)) return titles.get(recordId)
  const instructionId = instructionIdOf(recordId)
  let title = null
  if (instructionId != null) {
    const doc = (await findByServerId(db, 'instruction', instructionId))?.data
    title = doc?.declaration?.inspection_no ?? String(instructionId)
    if (doc) titles.set(recordId, title)
  }
  return title
}

async function readRecord(db, recordId) {
  if (recordId === NO_RECORD) return (await listOutboxByLane(db, LANES.rest)).filter((entry) => entry.recordId == null)
  return listOutboxByRecord(db, recordId)
}

function publish({ conflicts = true } = {}) {
  outboxState.count = [...cache.values()].reduce((sum, entries) => sum + entries.length, 0)
  outboxState.groups = orderGroups([...summaries.values()])
  if (conflicts) outboxState.conflicts = [...cache.values()].flat().filter((entry) => entry.state === 'conflict').sort((a, b) => a.seq - b.seq)
  outboxState.revision += 1
}

async function summarize(db, recordId, entries) {
  if (!entries.length) {
    cache.delete(recordId)
    summaries.delete(recordId)
    return
  }
  cache.set(recordId, entries)
  const photosTotal = recordId === NO_RECORD ? 0 : await countPhotos(db, recordId)
  summaries.set(recordId, summarizeRecord(recordId, entries, { photosTotal, title: await titleOf(db, recordId) }))
}

/** Read everything once (start); later changes re-read only their records. */
async function loadAll() {
  const db = await appDb()
  const byRecord = new Map()
  for (const entry of await listOutbox(db)) {
    const key = entry.recordId ?? NO_RECORD
    if (!byRecord.has(key)) byRecord.set(key, [])
    byRecord.get(key).push(entry)
  }
  cache.clear()
  summaries.clear()
  for (const [key, entries] of byRecord) await summarize(db, key, entries)
  publish()
}

const dirty = new Set()
let refreshing = null

async function drainRefreshes() {
  try {
    const db = await appDb()
    while (dirty.size) {
      const keysNow = [...dirty]
      dirty.clear()
      for (const key of keysNow) await summarize(db, key, await readRecord(db, key))
      publish()
    }
  } finally {
    // Same synchronous step as the last `dirty.size` check: a change arriving after it starts a new pass.
    refreshing = null
  }
}

/** Re-read the records a change touched (changes arriving meanwhile are folded into one more pass). */
function refreshRecords(keys) {
  for (const key of keys) dirty.add(key ?? NO_RECORD)
  if (!refreshing) refreshing = drainRefreshes()
  return refreshing
}

/**
 * A new entry: its record's summary grows in memory (the entry is known, nothing to read), so
 * recording the 1,000th thing of the day costs what the 10th did. A record not shown yet, or a
 * re-read in progress, takes the reading path instead.
 */
function appended(entry) {
  const key = entry.recordId ?? NO_RECORD
  const before = summaries.get(key)
  if (refreshing || !before) return refreshRecords([key])
  const entries = [...cache.get(key), entry]
  cache.set(key, entries)
  summaries.set(key, withEntry(before, entries, entry))
  publish({ conflicts: false })
}

function touched(detail) {
  const entries = detail?.entries ?? (detail?.entry ? [detail.entry] : [])
  return entries.map((entry) => entry?.recordId ?? NO_RECORD)
}

/** Chunk size of photo uploads; a test (or a slow network) may set it smaller on the device. */
function chunkBytes() {
  const chosen = Number(globalThis.localStorage?.getItem('chajian.uploadChunkBytes'))
  return Number.isInteger(chosen) && chosen >= 1024 ? chosen : DEFAULT_CHUNK_BYTES
}

async function sendUpload(db, entry, progress, dataFirst) {
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
    shouldStop: () => outboxState.photosPaused,
    beforeChunk: dataFirst,
  })
  if (answer.status >= 200 && answer.status < 300) await markUploaded(db, photo.id, answer.data)
  return answer
}

async function sendEntry(entry, progress, dataFirst) {
  const db = await appDb()
  if (entry.kind === 'upload') return sendUpload(db, entry, progress, dataFirst)
  return api.send(entry.method, entry.url, { body: entry.body, headers: { 'Idempotency-Key': entry.id } })
}

/** One push carrying a batch of operations; photo links get their uploaded photo's server id. */
async function sendBatch(entries) {
  const db = await appDb()
  const photoIds = new Map()
  const local = [] // links whose photo id is not on the device after all: retried later
  const ready = []
  for (const entry of entries) {
    if (entry.body.type !== 'photo.attach') {
      ready.push(entry)
      continue
    }
    const photoId = entry.meta?.serverPhotoId ?? (await getPhoto(db, entry.meta?.photoId))?.meta.serverPhotoId
    if (photoId) {
      photoIds.set(entry.id, photoId)
      ready.push(entry)
    } else local.push({ op_id: entry.id, status: 'rejected', error: 'inspection.photo_not_found', message: 'photo upload not finished' })
  }
  if (!ready.length) return { status: 200, data: { results: local } }
  const answer = await api.send('POST', PUSH_URL, { body: pushBatchBody(await deviceId(db), ready, photoIds) })
  if (answer.status >= 200 && answer.status < 300 && local.length) answer.data = { ...answer.data, results: [...(answer.data?.results ?? []), ...local] }
  return answer
}

/** Ask the service worker to wake the page when the network is back (Background Sync). */
function registerBackgroundSync() {
  navigator.serviceWorker?.ready
    ?.then((registration) => registration.sync?.register(SYNC_TAG))
    .catch(() => {}) // unsupported or refused: "online", visibility and the timer still wake the outbox
}

let active = null // the running start (cleared by stopOutbox): enqueue() must not restart the outbox

/**
 * Start sending (after sign-in). Safe to call more than once: only the first call after a stop
 * reads the queue and recovers entries a reload caught in flight (a later call must not: it would
 * mark an upload on its way as waiting, and read the whole queue on every enqueue).
 */
export function startOutbox() {
  if (!active) {
    active = startOnce().catch((error) => {
      active = null
      throw error
    })
  }
  return active
}

async function startOnce() {
  if (!outbox) {
    const db = await appDb()
    outboxState.photosPaused = Boolean(await kvGet(db, PAUSE_KEY))
    outbox = createOutbox({
      db,
      owner: () => session.user?.id ?? null,
      send: (entry, { progress, dataFirst } = {}) => sendEntry(entry, progress ?? (() => {}), dataFirst ?? (async () => {})),
      sendBatch,
      photosPaused: () => outboxState.photosPaused,
    })
    outbox.on('change', (detail) => (detail?.reason === 'enqueued' ? appended(detail.entry) : refreshRecords(touched(detail))))
    outbox.on('offline', () => {
      outboxState.offline = true
      registerBackgroundSync()
    })
    outbox.on('online', () => (outboxState.offline = false))
    outbox.on('progress', ({ recordId, seq, progress }) => {
      const summary = outboxState.groups.find((group) => group.recordId === (recordId ?? NO_RECORD))
      // Two photos of one instruction may be on their way: the bar follows one of them (the
      // earlier), not both in turn; a summary re-read lets the next one take it over.
      const current = summary?.progress
      if (summary && (!current?.live || current.seq === seq || seq < current.seq)) summary.progress = { seq, progress, live: true }
    })
    outbox.on('sent', ({ entry, result }) => {
      outboxState.recentlySent = [{ ...entry, state: 'sent', sentAt: Date.now() }, ...outboxState.recentlySent].slice(0, 20)
      // A photo's link applied: once its upload is also done, the phone keeps only a thumbnail.
      if (entry.body?.type === 'photo.attach' && entry.meta?.photoId && result?.status === 'applied') {
        markLinked(db, entry.meta.photoId, { serverPhotoId: entry.meta.serverPhotoId ?? null, makeThumbnail }).catch(() => {})
      }
    })
    for (const [event, listener] of listeners) outbox.on(event, listener)
    // navigator.onLine lies, but its "online" event is a good moment to try again.
    window.addEventListener('online', () => outbox.retryNow())
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') outbox.retryNow()
    })
    // The service worker's `sync` event (Background Sync) asks the open page to drain.
    navigator.serviceWorker?.addEventListener?.('message', (event) => {
      if (event.data?.type === 'chajian:sync') outbox.retryNow()
    })
  }
  await loadAll()
  outboxState.started = true
  outbox.start().then(() => refreshRecords([...cache.keys()]))
}

export function stopOutbox() {
  outbox?.stop()
  active = null
}

/** Queue a write (screens of other teams call this). */
export async function enqueue(write) {
  await startOutbox()
  const entry = await outbox.enqueue(write)
  if (entry.kind === 'upload') ensurePersistentStorage() // the first photo: ask the browser to keep our data
  registerBackgroundSync()
  outbox.run()
  return entry
}

/** Listen to the outbox's events (sent, conflict, idle…), also before it started. */
export function onOutboxEvent(event, listener) {
  listeners.push([event, listener])
  if (outbox) outbox.on(event, listener)
}

/** Pause (or resume) photo upload on a metered link; the data lane keeps going. Kept on the device. */
export async function setPhotosPaused(paused) {
  outboxState.photosPaused = Boolean(paused)
  await kvSet(await appDb(), PAUSE_KEY, outboxState.photosPaused)
  if (!paused) outbox?.runLane(LANES.photo)
}

export const retryOutbox = () => outbox?.retryNow()
export const requeueOutboxEntry = (seq) => outbox?.requeue(seq)
export const amendOutboxEntry = (seq, changes) => outbox?.amend(seq, changes)
export async function discardOutboxEntry(seq) {
  await outbox?.discard(seq)
  return outbox?.retryNow()
}
