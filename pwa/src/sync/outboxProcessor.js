// The outbox processor: sends queued writes to the server in three lanes that run side by side
// (docs/sync.md, "The device's outbox"):
//
// - data: sync operations (kind 'op'), many per POST /api/v1/sync/push (`sendBatch`), each
//   instruction's operations in order; photo links wait for their upload outside that order;
// - photo: photo uploads (kind 'upload'), PHOTO_UPLOADS_AT_ONCE at a time, started first in first
//   out (one photo's round trips and the server's completion overlap with another's bytes); each
//   upload is claimed in memory before anything is awaited, so no two runners send the same one;
//   can be paused;
// - rest: plain REST writes (kind null), one request each, first in first out.
// A slow photo never delays a finding: the lanes share nothing but the database.
//
// - An entry is removed only after a 2xx (or an `applied` result); nothing expires.
// - A failed fetch means "offline", whatever navigator.onLine says: retry with exponential backoff.
// - 5xx, 408, 425 and 429 are transient: retry with backoff. Other 4xx put the entry in
//   "conflict": it stays on the device for a person to resolve, and later entries of the same
//   record wait behind it while other records keep flowing.
// - No DOM here: the processor emits events (change, sending, progress, sent, conflict, offline,
//   online, idle, auth-required) and the UI listens.
//
// Never awaits the network inside an IndexedDB transaction: each step commits before fetching.
import {
  LANES,
  OUTBOX_STATES,
  addOutboxEntry,
  laneOf,
  listOutbox,
  listOutboxByLane,
  listOutboxByPhoto,
  listOutboxByState,
  removeOutboxEntry,
  scanLane,
  updateOutboxEntries,
  updateOutboxEntry,
} from '../db/outboxStore.js'
import { DEFAULT_BACKOFF, backoffDelay } from './backoff.js'
import { createEmitter } from './emitter.js'
import { AuthRequiredError, PausedError } from './errors.js'
import { targetKey } from './fieldProtocol.js'
import { dataPicker, isPhotoLink, photoPicker, restPicker } from './lanes.js'

export { AuthRequiredError, OfflineError, PausedError } from './errors.js'

const TRANSIENT_STATUSES = new Set([408, 425, 429])

/** About as many operations as the server commits at once (docs/sync.md, Atomicity). */
export const DEFAULT_BATCH_SIZE = 200

/** …and at most about this much JSON per push (a few seconds at 2G speed). */
export const DEFAULT_BATCH_BYTES = 128 * 1024

/**
 * Photo uploads on their way at once. One at a time left the link idle for each photo's create,
 * chunk answer and completion (~1.4 s per photo at 300 ms round trip); two keep it busy.
 */
export const PHOTO_UPLOADS_AT_ONCE = 2

export function classifyStatus(status) {
  if (status >= 200 && status < 300) return 'sent'
  if (status === 401) return 'auth'
  if (status >= 500 || TRANSIENT_STATUSES.has(status)) return 'retry'
  return 'conflict'
}

/**
 * What one result of a sync push means for its entry: applied (or replayed) → 'sent'; skipped
 * (an earlier operation of its instruction was not applied) → 'skipped', it stays queued; a photo
 * link whose upload the server does not have yet → 'retry'; anything else → 'conflict'.
 */
export function interpretResult(result) {
  if (!result) return { outcome: 'retry', problem: { kind: 'sync', error: 'sync.no_result' } }
  if (result.status === 'applied') return { outcome: 'sent' }
  const problem = { kind: 'sync', ...result }
  if (result.status === 'skipped') return { outcome: 'skipped', problem }
  if (result.error === 'inspection.photo_not_found') return { outcome: 'retry', problem }
  return { outcome: 'conflict', problem }
}

/**
 * Create the outbox processor.
 *
 * `send(entry, { progress, dataFirst })` performs one entry's HTTP request and resolves to
 * `{ status, data }` for any HTTP answer; it throws OfflineError when no answer came,
 * AuthRequiredError when signing in is needed, PausedError when photo upload was paused;
 * `dataFirst()` resolves when no data push is on its way (a photo upload awaits it between chunks).
 * `sendBatch(entries)` sends data-lane operations in one push and resolves to the push's
 * `{ status, data: { results } }` (one result per operation, by `op_id` = entry id); without it
 * operations go one per request through `send` and `interpret`.
 * `owner()` is the signed-in user's id: entries recorded by someone else wait on the device for
 * that person to sign in again, and are never sent with another user's token.
 * `interpret(entry, response)` may return `{ outcome, problem }` to override what the HTTP status
 * alone says; `undefined` falls back to the status.
 * `photosPaused()` holds the photo lane (a metered link); `now`, `random`, `setTimer` and
 * `clearTimer` are injectable for tests.
 */
export function createOutbox({
  db,
  send,
  sendBatch = null,
  batchSize = DEFAULT_BATCH_SIZE,
  batchBytes = DEFAULT_BATCH_BYTES,
  backoff = DEFAULT_BACKOFF,
  now = () => Date.now(),
  random = Math.random,
  setTimer = (fn, ms) => setTimeout(fn, ms),
  clearTimer = (handle) => clearTimeout(handle),
  owner = () => null,
  interpret = null,
  photosPaused = () => false,
  progressEveryMs = 250,
  photoUploadsAtOnce = PHOTO_UPLOADS_AT_ONCE,
}) {
  const events = createEmitter()
  // A lane runs `width` runners (drain loops) at once; `claimed` holds the seqs a runner has taken
  // (photo lane), `released` counts the uploads that ended (a runner that found nothing while one
  // ended looks again, so no retry goes unscheduled).
  const newLane = (name) => ({ name, running: null, timer: null, soloUntilSeq: 0, width: name === LANES.photo ? Math.max(1, photoUploadsAtOnce) : 1, runners: 0, claimed: new Set(), released: 0, done: null })
  const lanes = Object.fromEntries(Object.values(LANES).map((name) => [name, newLane(name)]))
  let offline = false
  let stopped = false

  async function enqueue(write) {
    const key = write.kind === 'op' && write.body?.target ? targetKey(write.body) : null
    const entry = await addOutboxEntry(db, { ownerId: owner(), targetKey: key, ...write })
    events.emit('change', { reason: 'enqueued', entry })
    return entry
  }

  /** Every entry of a lane, oldest first (the outbox screen's expanded group reads by record). */
  const entries = (lane) => (lane ? listOutboxByLane(db, lane) : Promise.all(Object.values(LANES).map((name) => listOutboxByLane(db, name))).then((all) => all.flat().sort((a, b) => a.seq - b.seq)))

  /** What may go now in `lane`, or the earliest time something may go. */
  async function nextReady(lane) {
    const me = owner()
    const at = now()
    const picker =
      lane.name === LANES.data
        ? dataPicker({ me, now: at, limit: sendBatch ? batchSize : 1, maxBytes: batchBytes, solo: (entry) => entry.seq <= lane.soloUntilSeq })
        : lane.name === LANES.photo
          ? photoPicker({ me, now: at, paused: photosPaused(), limit: lane.width, taken: (entry) => lane.claimed.has(entry.seq) })
          : restPicker({ me, now: at })
    await scanLane(db, lane.name, picker.visit)
    return picker.result()
  }

  function schedule(lane, at) {
    if (lane.timer) clearTimer(lane.timer)
    lane.timer = null
    if (!Number.isFinite(at) || stopped) return
    lane.timer = setTimer(() => {
      lane.timer = null
      return runLane(lane.name)
    }, Math.max(0, at - now()))
  }

  const retryFields = (entry, error) => {
    const attempts = entry.attempts + 1
    return { state: OUTBOX_STATES.waiting, attempts, nextAttemptAt: now() + backoffDelay(attempts, backoff, random), lastError: error }
  }

  async function retryLater(entry, error) {
    const updated = await updateOutboxEntry(db, entry.seq, retryFields(entry, error))
    events.emit('change', { reason: 'retry', entry: updated })
    return updated
  }

  function wentOnline() {
    if (offline) {
      offline = false
      events.emit('online', {})
    }
  }

  function wentOffline(error) {
    if (!offline) {
      offline = true
      events.emit('offline', { error })
    }
  }

  /** A photo's upload is on the server: its link(s) may go, with the server's photo id. */
  async function photoUploaded(entry, data) {
    if (entry.photoId == null) return
    const links = (await listOutboxByPhoto(db, entry.photoId)).filter(isPhotoLink)
    if (!links.length) return
    const changes = new Map(links.map((link) => [link.seq, { photoReady: true, nextAttemptAt: 0, meta: { ...link.meta, serverPhotoId: data?.id ?? link.meta?.serverPhotoId ?? null } }]))
    const updated = await updateOutboxEntries(db, changes)
    events.emit('change', { reason: 'photo-ready', entries: [...updated.values()] })
    runLane(LANES.data)
  }

  /** A photo was declared to the server: its link no longer holds the instruction's completion. */
  async function photoDeclared(entry) {
    if (entry.photoId == null) return
    const links = (await listOutboxByPhoto(db, entry.photoId)).filter(isPhotoLink)
    if (links.length) await updateOutboxEntries(db, new Map(links.map((link) => [link.seq, { declared: true }])))
  }

  async function sendOne(lane, entry) {
    const sending = await updateOutboxEntry(db, entry.seq, { state: OUTBOX_STATES.sending })
    events.emit('sending', sending)
    events.emit('change', { reason: 'sending', entry: sending })
    let lastSaved = 0
    const progress = (fraction) => {
      const value = Math.max(0, Math.min(1, Number(fraction) || 0))
      events.emit('progress', { seq: entry.seq, id: entry.id, recordId: entry.recordId, progress: value })
      if (value < 1 && now() - lastSaved < progressEveryMs) return
      lastSaved = now()
      updateOutboxEntry(db, entry.seq, { progress: value }).catch(() => {})
    }
    let response
    try {
      response = await send(sending, { progress, dataFirst })
    } catch (error) {
      if (error instanceof AuthRequiredError) {
        await updateOutboxEntry(db, entry.seq, { state: OUTBOX_STATES.waiting })
        events.emit('auth-required', sending)
        events.emit('change', { reason: 'auth', entry: sending })
        return 'stop'
      }
      if (error instanceof PausedError) {
        const waiting = await updateOutboxEntry(db, entry.seq, { state: OUTBOX_STATES.waiting })
        events.emit('change', { reason: 'paused', entry: waiting })
        return 'stop'
      }
      // OfflineError, or any failure before an HTTP answer: navigator.onLine cannot be trusted.
      await retryLater(sending, { kind: 'offline', message: String(error?.message ?? error) })
      wentOffline(error)
      return 'backoff'
    }
    wentOnline()
    const verdict = interpret?.(sending, response)
    const outcome = verdict?.outcome ?? classifyStatus(response.status)
    if (outcome === 'sent') {
      await removeOutboxEntry(db, entry.seq)
      events.emit('sent', { entry: sending, status: response.status, data: response.data })
      events.emit('change', { reason: 'sent', entry: sending })
      if (entry.kind === 'upload') await photoUploaded(entry, response.data)
      return 'next'
    }
    if (outcome === 'auth') {
      await updateOutboxEntry(db, entry.seq, { state: OUTBOX_STATES.waiting })
      events.emit('auth-required', sending)
      return 'stop'
    }
    const problem = verdict?.problem ?? { kind: 'http', status: response.status, data: response.data ?? null }
    if (outcome === 'retry' || outcome === 'skipped') {
      await retryLater(sending, problem)
      return lane.name === LANES.data ? 'next' : 'backoff'
    }
    const conflicted = await updateOutboxEntry(db, entry.seq, {
      state: OUTBOX_STATES.conflict,
      attempts: sending.attempts + 1,
      lastError: problem,
    })
    events.emit('conflict', conflicted)
    events.emit('change', { reason: 'conflict', entry: conflicted })
    return 'next'
  }

  /** Send one data batch and file each result under its entry, in one transaction. */
  async function sendData(lane, batch) {
    // A push of photo links alone is tiny: the photo lane need not wait for its answer (on a 300 ms
    // link, waiting for each link's round trip cost a fifth of the drain time).
    lane.linksOnly = batch.every(isPhotoLink)
    try {
      return await sendDataBatch(lane, batch)
    } finally {
      lane.linksOnly = false
    }
  }

  async function sendDataBatch(lane, batch) {
    const marked = await updateOutboxEntries(db, new Map(batch.map((entry) => [entry.seq, { state: OUTBOX_STATES.sending }])))
    const sending = batch.map((entry) => marked.get(entry.seq) ?? entry)
    events.emit('change', { reason: 'sending', entries: sending })
    const all = (fields) => new Map(sending.map((entry) => [entry.seq, typeof fields === 'function' ? fields(entry) : fields]))
    let response
    try {
      response = await sendBatch(sending)
    } catch (error) {
      if (error instanceof AuthRequiredError) {
        await updateOutboxEntries(db, all({ state: OUTBOX_STATES.waiting }))
        events.emit('auth-required', sending[0])
        events.emit('change', { reason: 'auth', entries: sending })
        return 'stop'
      }
      const stored = await updateOutboxEntries(db, all((entry) => retryFields(entry, { kind: 'offline', message: String(error?.message ?? error) })))
      events.emit('change', { reason: 'retry', entries: [...stored.values()] })
      wentOffline(error)
      return 'backoff'
    }
    wentOnline()
    const whole = classifyStatus(response.status)
    if (whole === 'auth') {
      await updateOutboxEntries(db, all({ state: OUTBOX_STATES.waiting }))
      events.emit('auth-required', sending[0])
      events.emit('change', { reason: 'auth', entries: sending })
      return 'stop'
    }
    if (whole !== 'sent') {
      const problem = { kind: 'http', status: response.status, data: response.data ?? null }
      if (whole === 'conflict' && sending.length > 1) {
        // The server refused the message as a whole: send its entries one by one to find the culprit.
        lane.soloUntilSeq = Math.max(lane.soloUntilSeq, ...sending.map((entry) => entry.seq))
        const stored = await updateOutboxEntries(db, all({ state: OUTBOX_STATES.waiting, lastError: problem }))
        events.emit('change', { reason: 'retry', entries: [...stored.values()] })
        return 'next'
      }
      if (whole === 'conflict') {
        const stored = await updateOutboxEntries(db, all((entry) => ({ state: OUTBOX_STATES.conflict, attempts: entry.attempts + 1, lastError: problem })))
        for (const entry of stored.values()) events.emit('conflict', entry)
        events.emit('change', { reason: 'conflict', entries: [...stored.values()] })
        return 'next'
      }
      const stored = await updateOutboxEntries(db, all((entry) => retryFields(entry, problem)))
      events.emit('change', { reason: 'retry', entries: [...stored.values()] })
      return 'backoff'
    }
    const results = new Map((response.data?.results ?? []).map((result) => [result.op_id, result]))
    const verdicts = sending.map((entry) => ({ entry, result: results.get(entry.id), ...interpretResult(results.get(entry.id)) }))
    const allSkipped = verdicts.every((v) => v.outcome === 'skipped')
    const changes = new Map()
    for (const { entry, outcome, problem } of verdicts) {
      if (outcome === 'sent') changes.set(entry.seq, null)
      else if (outcome === 'conflict') changes.set(entry.seq, { state: OUTBOX_STATES.conflict, attempts: entry.attempts + 1, lastError: problem })
      // Skipped: waits behind what blocked it, and goes again with the next batch. Should a
      // whole batch come back skipped, back off instead of asking again at once.
      else if (outcome === 'skipped' && !allSkipped) changes.set(entry.seq, { state: OUTBOX_STATES.waiting, lastError: problem })
      else changes.set(entry.seq, retryFields(entry, problem))
    }
    const stored = await updateOutboxEntries(db, changes)
    for (const { entry, outcome, result } of verdicts) {
      if (outcome === 'sent') {
        // One after the other: listeners keeping a local document's versions must not overlap.
        await events.emitAsync('sent', { entry, status: response.status, data: { results: [result] }, result })
        if (entry.body?.type === 'photo.declare') await photoDeclared(entry)
      } else if (outcome === 'conflict') events.emit('conflict', stored.get(entry.seq))
    }
    events.emit('change', { reason: 'batch', entries: sending })
    return allSkipped ? 'backoff' : 'next'
  }

  /** Resolves when no data push is on its way (a photo chunk waits for it: results first), or at
   *  once while the push on its way carries photo links only. */
  function dataFirst() {
    const data = lanes.data
    return data.running && !data.linksOnly ? data.running.catch(() => {}) : Promise.resolve()
  }

  function isIdle() {
    return Object.values(lanes).every((lane) => !lane.running && !lane.timer)
  }

  async function drain(lane) {
    if (lane.name === LANES.photo) return drainPhotos(lane)
    for (;;) {
      if (stopped) return
      const { batch, wakeAt } = await nextReady(lane)
      if (!batch.length) {
        schedule(lane, wakeAt)
        return
      }
      const outcome = lane.name === LANES.data && sendBatch ? await sendData(lane, batch) : await sendOne(lane, batch[0])
      if (outcome === 'stop') return
    }
  }

  /**
   * One runner of the photo lane: takes the first upload no other runner holds, claiming it in
   * memory before anything is awaited (two runners that read the lane at the same time may both
   * see it first: only one takes it), and lets it go once its outcome is stored.
   */
  async function drainPhotos(lane) {
    for (;;) {
      if (stopped) return
      const released = lane.released
      const { batch, wakeAt } = await nextReady(lane)
      const entry = batch.find((candidate) => !lane.claimed.has(candidate.seq))
      if (!entry) {
        if (lane.released !== released) continue // an upload ended while we read: its retry may be due
        schedule(lane, wakeAt)
        return
      }
      lane.claimed.add(entry.seq)
      let outcome
      try {
        outcome = await sendOne(lane, entry)
      } finally {
        lane.claimed.delete(entry.seq)
        lane.released += 1
      }
      if (outcome === 'stop') return
    }
  }

  /** Drain one lane: start its runners up to its width (no-op while they all run). */
  function runLane(name) {
    const lane = lanes[name]
    if (stopped) return Promise.resolve()
    if (!lane.running) {
      let settle
      lane.running = new Promise((resolve, reject) => (settle = { resolve, reject }))
      lane.done = { settle, error: null }
    }
    while (lane.runners < lane.width) {
      lane.runners += 1
      const done = lane.done
      drain(lane)
        .catch((error) => {
          done.error ??= error
        })
        .then(() => {
          lane.runners -= 1
          if (lane.runners) return
          lane.running = null
          lane.done = null
          if (!stopped && isIdle()) events.emit('idle', {})
          if (done.error) done.settle.reject(done.error)
          else done.settle.resolve()
        })
    }
    return lane.running
  }

  /** Send what is ready now in every lane; resolves when each is empty, waiting for a retry, or stopped. */
  function run() {
    return Promise.all(Object.values(LANES).map(runLane)).then(() => {})
  }

  /** Retry at once (the user tapped "retry", the network came back, the page came to the foreground). */
  async function retryNow() {
    const changes = new Map()
    for (const lane of Object.values(LANES)) {
      await scanLane(db, lane, (entry) => {
        if (entry.state === OUTBOX_STATES.waiting && entry.nextAttemptAt > now()) changes.set(entry.seq, { nextAttemptAt: 0 })
      })
    }
    if (changes.size) await updateOutboxEntries(db, changes)
    return run()
  }

  /**
   * After a page reload an entry may still say "sending": it goes again (the id makes it
   * idempotent). A photo link whose upload left the queue before this release knew about lanes
   * is marked ready.
   */
  async function recover() {
    const changes = new Map()
    for (const entry of await listOutboxByState(db, OUTBOX_STATES.sending)) changes.set(entry.seq, { state: OUTBOX_STATES.waiting })
    // Entries written without a lane (an older page still open in another tab, a test writing
    // straight into IndexedDB): give them theirs. One read of the queue, once per start.
    for (const entry of await listOutbox(db)) {
      if (entry.lane) continue
      const fields = { lane: laneOf(entry.kind), targetKey: entry.kind === 'op' && entry.body?.target ? targetKey(entry.body) : null, photoId: entry.meta?.photoId ?? null, photoReady: false }
      changes.set(entry.seq, { ...changes.get(entry.seq), ...fields })
    }
    if (changes.size) await updateOutboxEntries(db, changes)
    const uploads = new Set()
    const links = []
    await scanLane(db, LANES.photo, (entry) => void uploads.add(entry.photoId))
    await scanLane(db, LANES.data, (entry) => {
      if (isPhotoLink(entry) && !entry.photoReady) links.push(entry)
    })
    const orphans = links.filter((link) => !uploads.has(link.photoId))
    if (orphans.length) await updateOutboxEntries(db, new Map(orphans.map((link) => [link.seq, { photoReady: true }])))
  }

  /** Put a conflict entry back in the queue (after the user fixed the cause). */
  async function requeue(seq) {
    const updated = await updateOutboxEntry(db, seq, { state: OUTBOX_STATES.waiting, nextAttemptAt: 0 })
    events.emit('change', { reason: 'requeued', entry: updated })
    return run()
  }

  /** Change a conflict entry as the user decided (e.g. "keep mine" against the new version) and send it again. */
  async function amend(seq, changes) {
    const fields = { ...changes, state: OUTBOX_STATES.waiting, nextAttemptAt: 0, lastError: null }
    if (changes.body && changes.body.target) fields.targetKey = targetKey(changes.body)
    const updated = await updateOutboxEntry(db, seq, fields)
    events.emit('change', { reason: 'amended', entry: updated })
    return run()
  }

  /** Delete an entry on the user's explicit decision (e.g. a conflict they chose to discard). */
  async function discard(seq) {
    const entry = await updateOutboxEntries(db, new Map([[seq, null]]))
    events.emit('change', { reason: 'discarded', seq, entry: entry.get(seq) ?? null })
  }

  function stop() {
    stopped = true
    for (const lane of Object.values(lanes)) {
      if (lane.timer) clearTimer(lane.timer)
      lane.timer = null
    }
  }

  function start() {
    stopped = false
    return recover().then(run)
  }

  return {
    enqueue,
    entries,
    run,
    runLane,
    retryNow,
    requeue,
    amend,
    discard,
    start,
    stop,
    recover,
    on: events.on,
    get offline() {
      return offline
    },
  }
}
