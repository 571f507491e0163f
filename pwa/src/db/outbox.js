// The outbox store: writes waiting for the server, read in insertion (seq) order. Only
// src/sync/outbox.js should change entries; screens read them.
import { STORES, newId } from './schema.js'

export const OUTBOX_STATES = Object.freeze({
  waiting: 'waiting',
  sending: 'sending',
  conflict: 'conflict', // the server refused it (409/422/…): a person must look; kept, never dropped
})

/**
 * Append a write to the outbox. `id` doubles as the Idempotency-Key the server deduplicates on;
 * `ownerId` is the user who recorded it.
 */
export async function addOutboxEntry(db, { method, url, body = null, recordId = null, label = null, ownerId = null, id = newId(), kind = null, meta = null }) {
  const entry = {
    id,
    kind, // how to send it: null (one HTTP request), 'op' (a sync push operation), 'upload' (a photo)
    meta, // what the kind needs besides the body (e.g. the local photo id)
    ownerId, // who recorded it: only that user's session sends it (shared phones)
    method: method.toUpperCase(),
    url,
    body,
    recordId,
    label,
    state: OUTBOX_STATES.waiting,
    attempts: 0,
    nextAttemptAt: 0,
    lastError: null,
    createdAt: Date.now(),
  }
  entry.seq = await db.add(STORES.outbox, entry)
  return entry
}

/** Every entry, oldest first. */
export const listOutbox = (db) => db.getAll(STORES.outbox)

export const countOutbox = (db) => db.count(STORES.outbox)

export const getOutboxEntry = (db, seq) => db.get(STORES.outbox, seq)

/** Change fields of one entry (read-modify-write in a single transaction). */
export async function updateOutboxEntry(db, seq, changes) {
  const tx = db.transaction(STORES.outbox, 'readwrite')
  const current = await tx.store.get(seq)
  if (!current) {
    await tx.done
    return null
  }
  const updated = { ...current, ...changes, seq }
  await tx.store.put(updated)
  await tx.done
  return updated
}

export const removeOutboxEntry = (db, seq) => db.delete(STORES.outbox, seq)
