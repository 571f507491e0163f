// Bridges the framework-free outbox (src/sync) to Vue: a reactive view of the queue for badges
// and the outbox screen, and the browser signals that should wake it up.
import { reactive } from 'vue'
import { appDb } from '../db/index.js'
import { createOutbox } from '../sync/outbox.js'
import { api } from './api.js'
import { session } from './session.js'

export const outboxState = reactive({ entries: [], recentlySent: [], offline: false, started: false })

let outbox = null

async function refresh() {
  if (outbox) outboxState.entries = await outbox.entries()
}

/** Start sending (after sign-in). Safe to call more than once. */
export async function startOutbox() {
  if (!outbox) {
    const db = await appDb()
    outbox = createOutbox({
      db,
      owner: () => session.user?.id ?? null,
      send: (entry) =>
        api.send(entry.method, entry.url, { body: entry.body, headers: { 'Idempotency-Key': entry.id } }),
    })
    outbox.on('change', refresh)
    outbox.on('offline', () => (outboxState.offline = true))
    outbox.on('online', () => (outboxState.offline = false))
    outbox.on('sent', ({ entry }) => {
      outboxState.recentlySent = [{ ...entry, state: 'sent', sentAt: Date.now() }, ...outboxState.recentlySent].slice(0, 20)
    })
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

export const retryOutbox = () => outbox?.retryNow()
export const requeueOutboxEntry = (seq) => outbox?.requeue(seq)
