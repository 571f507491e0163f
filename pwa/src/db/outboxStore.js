// The outbox store: writes waiting for the server, read in insertion (seq) order. Only
// src/sync/outboxProcessor.js should change entries; screens read them.
//
// Entries run in lanes (docs/sync.md, "The device's outbox"): `data` (sync operations, sent in
// batches), `photo` (resumable photo uploads, one at a time) and `rest` (plain REST writes, one
// request each). Every read here goes through an index or a cursor that stops early, so a queue
// of 1,000 entries costs what a queue of 10 does; only listOutbox reads everything (tests, rare
// repairs).
import { STORES, newId } from './schema.js'

export const OUTBOX_STATES = Object.freeze({
  waiting: 'waiting',
  sending: 'sending',
  conflict: 'conflict', // the server refused it (409/422/…): a person must look; kept, never dropped
})

export const LANES = Object.freeze({ data: 'data', photo: 'photo', rest: 'rest' })

/** The lane of an entry by its kind: sync operations, photo uploads, or plain REST writes. */
export const laneOf = (kind) => (kind === 'upload' ? LANES.photo : kind === 'op' ? LANES.data : LANES.rest)

/**
 * Append a write to the outbox. `id` doubles as the Idempotency-Key the server deduplicates on;
 * `ownerId` is the user who recorded it; `targetKey` the versioned target of a sync operation.
 */
export async function addOutboxEntry(db, { method, url, body = null, recordId = null, label = null, ownerId = null, id = newId(), kind = null, meta = null, targetKey = null }) {
  const entry = {
    id,
    kind, // how to send it: null (one HTTP request), 'op' (a sync push operation), 'upload' (a photo)
    lane: laneOf(kind),
    meta, // what the kind needs besides the body (e.g. the local photo id)
    ownerId, // who recorded it: only that user's session sends it (shared phones)
    method: method.toUpperCase(),
    url,
    body,
    recordId,
    label,
    targetKey, // indexed: the device's own pending operations on one target (base versions)
    photoId: meta?.photoId ?? null, // indexed: a photo's upload and its link find each other
    photoReady: false, // a photo link: its upload is complete on the server
    state: OUTBOX_STATES.waiting,
    attempts: 0,
    nextAttemptAt: 0,
    lastError: null,
    createdAt: Date.now(),
  }
  entry.seq = await db.add(STORES.outbox, entry)
  return entry
}

/** Every entry, oldest first (a whole-store read: not for hot paths). */
export const listOutbox = (db) => db.getAll(STORES.outbox)

export const countOutbox = (db) => db.count(STORES.outbox)

export const getOutboxEntry = (db, seq) => db.get(STORES.outbox, seq)

/** One record's entries (e.g. an instruction's operations and photos), oldest first. */
export const listOutboxByRecord = (db, recordId) => db.getAllFromIndex(STORES.outbox, 'by_record', recordId)

/** One lane's entries, oldest first. */
export const listOutboxByLane = (db, lane) => db.getAllFromIndex(STORES.outbox, 'by_lane', lane)

export const countOutboxByLane = (db, lane) => db.countFromIndex(STORES.outbox, 'by_lane', lane)

/** The pending sync operations on one versioned target (sync/fieldProtocol.js targetKey), oldest first. */
export const listOutboxByTarget = (db, targetKey) => db.getAllFromIndex(STORES.outbox, 'by_target', targetKey)

/** A photo's upload and its link(s), oldest first. */
export const listOutboxByPhoto = (db, photoId) => db.getAllFromIndex(STORES.outbox, 'by_photo', photoId)

/** Entries in one state (e.g. every conflict), oldest first. */
export const listOutboxByState = (db, state) => db.getAllFromIndex(STORES.outbox, 'by_queue_state', state)

/**
 * Walk one lane oldest first; `visit(entry)` returns false to stop. One read-only transaction,
 * no network inside: the caller collects what it needs and sends after the walk.
 */
export async function scanLane(db, lane, visit) {
  const tx = db.transaction(STORES.outbox)
  let cursor = await tx.store.index('by_lane').openCursor(lane)
  while (cursor) {
    if (visit(cursor.value) === false) break
    cursor = await cursor.continue()
  }
  await tx.done
}

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

/**
 * Apply many changes in one transaction: `changes` maps seq → fields to set, or null to delete
 * (a batch's answers). Returns the entries as stored (deleted ones as they were), by seq.
 */
export async function updateOutboxEntries(db, changes) {
  const tx = db.transaction(STORES.outbox, 'readwrite')
  const result = new Map()
  for (const [seq, fields] of changes) {
    const current = await tx.store.get(seq)
    if (!current) continue
    if (fields === null) {
      await tx.store.delete(seq)
      result.set(seq, current)
    } else {
      const updated = { ...current, ...fields, seq }
      await tx.store.put(updated)
      result.set(seq, updated)
    }
  }
  await tx.done
  return result
}

export const removeOutboxEntry = (db, seq) => db.delete(STORES.outbox, seq)
