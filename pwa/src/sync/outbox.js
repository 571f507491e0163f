// The outbox processor: sends queued writes to the server first in first out, one at a time.
//
// - An entry is removed only after a 2xx answer; nothing expires (inspection data is never lost).
// - A failed fetch means "offline", whatever navigator.onLine says: retry with exponential backoff.
// - 5xx, 408 and 429 are transient: retry with backoff. Other 4xx put the entry in "conflict":
//   it stays on the device for a person to resolve, and later entries of the same record wait
//   behind it (their order matters) while other records keep flowing.
// - No DOM here: the processor emits events (change, sending, progress, sent, conflict, offline,
//   online, idle, auth-required) and the UI listens.
// - `send` may report progress (photo uploads); `interpret` lets a kind of entry read its own
//   answer (a sync push answers 200 with a conflict inside).
//
// Never awaits the network inside an IndexedDB transaction: each step commits before fetching.
import { OUTBOX_STATES, addOutboxEntry, listOutbox, removeOutboxEntry, updateOutboxEntry } from '../db/outbox.js'
import { DEFAULT_BACKOFF, backoffDelay } from './backoff.js'
import { createEmitter } from './emitter.js'
import { AuthRequiredError } from './errors.js'

export { AuthRequiredError, OfflineError } from './errors.js'

const TRANSIENT_STATUSES = new Set([408, 425, 429])

export function classifyStatus(status) {
  if (status >= 200 && status < 300) return 'sent'
  if (status === 401) return 'auth'
  if (status >= 500 || TRANSIENT_STATUSES.has(status)) return 'retry'
  return 'conflict'
}

/**
 * Create the outbox processor.
 *
 * `send(entry)` performs the HTTP request and resolves to `{ status, data }` for any HTTP answer;
 * it throws OfflineError when no answer came and AuthRequiredError when signing in is needed.
 * `owner()` is the signed-in user's id: entries recorded by someone else wait on the device for
 * that person to sign in again, and are never sent with another user's token.
 * `send(entry, { progress })` may call `progress(fraction)`; it is kept on the entry (throttled).
 * `interpret(entry, response)` may return `{ outcome: 'sent' | 'retry' | 'conflict', problem }` to
 * override what the HTTP status alone says; `undefined` falls back to the status.
 * `now`, `random`, `setTimer` and `clearTimer` are injectable for tests.
 */
export function createOutbox({
  db,
  send,
  backoff = DEFAULT_BACKOFF,
  now = () => Date.now(),
  random = Math.random,
  setTimer = (fn, ms) => setTimeout(fn, ms),
  clearTimer = (handle) => clearTimeout(handle),
  owner = () => null,
  interpret = null,
  progressEveryMs = 250,
}) {
  const events = createEmitter()
  let running = null // the current drain() promise: one sender at a time
  let timer = null
  let offline = false
  let stopped = false

  async function enqueue(write) {
    const entry = await addOutboxEntry(db, { ownerId: owner(), ...write })
    events.emit('change', { reason: 'enqueued', entry })
    return entry
  }

  /** Every entry to show in the UI, oldest first. */
  const entries = () => listOutbox(db)

  /** The first entry that may go now, or the earliest time something may go. */
  async function nextReady() {
    const all = await listOutbox(db)
    const blockedRecords = new Set()
    let wakeAt = Infinity
    const me = owner()
    for (const entry of all) {
      if (entry.ownerId != null && entry.ownerId !== me) continue
      if (entry.recordId != null && blockedRecords.has(entry.recordId)) continue
      if (entry.state === OUTBOX_STATES.conflict) {
        if (entry.recordId != null) blockedRecords.add(entry.recordId)
        continue
      }
      // FIFO: the head waits for its backoff and everything behind it waits too.
      if (entry.nextAttemptAt > now()) return { entry: null, wakeAt: Math.min(wakeAt, entry.nextAttemptAt) }
      return { entry, wakeAt }
    }
    return { entry: null, wakeAt }
  }

  function schedule(at) {
    if (timer) clearTimer(timer)
    timer = null
    if (!Number.isFinite(at) || stopped) return
    timer = setTimer(() => {
      timer = null
      run()
    }, Math.max(0, at - now()))
  }

  async function retryLater(entry, error) {
    const attempts = entry.attempts + 1
    const nextAttemptAt = now() + backoffDelay(attempts, backoff, random)
    const updated = await updateOutboxEntry(db, entry.seq, {
      state: OUTBOX_STATES.waiting,
      attempts,
      nextAttemptAt,
      lastError: error,
    })
    events.emit('change', { reason: 'retry', entry: updated })
    return updated
  }

  async function sendOne(entry) {
    const sending = await updateOutboxEntry(db, entry.seq, { state: OUTBOX_STATES.sending })
    events.emit('sending', sending)
    events.emit('change', { reason: 'sending', entry: sending })
    let lastSaved = 0
    const progress = (fraction) => {
      const value = Math.max(0, Math.min(1, Number(fraction) || 0))
      events.emit('progress', { seq: entry.seq, id: entry.id, progress: value })
      if (value < 1 && now() - lastSaved < progressEveryMs) return
      lastSaved = now()
      updateOutboxEntry(db, entry.seq, { progress: value }).catch(() => {})
    }
    let response
    try {
      response = await send(sending, { progress })
    } catch (error) {
      if (error instanceof AuthRequiredError) {
        await updateOutboxEntry(db, entry.seq, { state: OUTBOX_STATES.waiting })
        events.emit('auth-required', sending)
        events.emit('change', { reason: 'auth', entry: sending })
        return 'stop'
      }
      // OfflineError, or any failure before an HTTP answer: navigator.onLine cannot be trusted.
      await retryLater(sending, { kind: 'offline', message: String(error?.message ?? error) })
      if (!offline) {
        offline = true
        events.emit('offline', { error })
      }
      return 'backoff'
    }
    if (offline) {
      offline = false
      events.emit('online', {})
    }
    const verdict = interpret?.(sending, response)
    const outcome = verdict?.outcome ?? classifyStatus(response.status)
    if (outcome === 'sent') {
      await removeOutboxEntry(db, entry.seq)
      events.emit('sent', { entry: sending, status: response.status, data: response.data })
      events.emit('change', { reason: 'sent', entry: sending })
      return 'next'
    }
    if (outcome === 'auth') {
      await updateOutboxEntry(db, entry.seq, { state: OUTBOX_STATES.waiting })
      events.emit('auth-required', sending)
      return 'stop'
    }
    const problem = verdict?.problem ?? { kind: 'http', status: response.status, data: response.data ?? null }
    if (outcome === 'retry') {
      await retryLater(sending, problem)
      return 'backoff'
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

  async function drain() {
    for (;;) {
      if (stopped) return
      const { entry, wakeAt } = await nextReady()
      if (!entry) {
        schedule(wakeAt)
        if (!Number.isFinite(wakeAt)) events.emit('idle', {})
        return
      }
      const result = await sendOne(entry)
      if (result === 'stop') return
    }
  }

  /** Send what is ready now; resolves when the queue is empty, waiting for a retry, or stopped. */
  function run() {
    if (stopped) return Promise.resolve()
    if (!running) {
      running = drain().finally(() => {
        running = null
      })
    }
    return running
  }

  /** Retry at once (the user tapped "retry", or the page came back to the foreground). */
  async function retryNow() {
    const all = await listOutbox(db)
    for (const entry of all) {
      if (entry.state === OUTBOX_STATES.waiting && entry.nextAttemptAt > now()) {
        await updateOutboxEntry(db, entry.seq, { nextAttemptAt: 0 })
      }
    }
    return run()
  }

  /** After a page reload an entry may still say "sending": it goes again (the id makes it idempotent). */
  async function recover() {
    const all = await listOutbox(db)
    for (const entry of all) {
      if (entry.state === OUTBOX_STATES.sending) {
        await updateOutboxEntry(db, entry.seq, { state: OUTBOX_STATES.waiting })
      }
    }
  }

  /** Put a conflict entry back in the queue (after the user fixed the cause). */
  async function requeue(seq) {
    const updated = await updateOutboxEntry(db, seq, { state: OUTBOX_STATES.waiting, nextAttemptAt: 0 })
    events.emit('change', { reason: 'requeued', entry: updated })
    return run()
  }

  /** Change a conflict entry as the user decided (e.g. "keep mine" against the new version) and send it again. */
  async function amend(seq, changes) {
    const updated = await updateOutboxEntry(db, seq, { ...changes, state: OUTBOX_STATES.waiting, nextAttemptAt: 0, lastError: null })
    events.emit('change', { reason: 'amended', entry: updated })
    return run()
  }

  /** Delete an entry on the user's explicit decision (e.g. a conflict they chose to discard). */
  async function discard(seq) {
    await removeOutboxEntry(db, seq)
    events.emit('change', { reason: 'discarded', seq })
  }

  function stop() {
    stopped = true
    if (timer) clearTimer(timer)
    timer = null
  }

  function start() {
    stopped = false
    return recover().then(run)
  }

  return {
    enqueue,
    entries,
    run,
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
