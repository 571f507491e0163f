// Which queued entries may go now, lane by lane (docs/sync.md, "The device's outbox"). Pure
// functions over one walk of a lane, oldest first: no IndexedDB, no network, no DOM.
//
// data lane: sync operations, sent in batches. Operations of one instruction (same recordId) keep
//   their order: after an entry that is in conflict, in backoff or still in flight, the record's
//   later operations wait. A photo link (`photo.attach`) waits for its own upload but is outside
//   that chain: it waits behind its predecessors, never blocks what comes after it.
//   One guard: `instruction.complete` waits while an earlier photo link of its instruction is
//   unsent and that photo was not declared (a `photo.declare` operation): the server takes links
//   after completion only for declared photos, so the evidence is never locked out.
// photo lane: uploads, a few at once (PHOTO_UPLOADS_AT_ONCE), started first in first out; nothing
//   goes while paused.
// rest lane: plain REST writes, one at a time, first in first out; a conflict holds later writes
//   of the same record.
import { OUTBOX_STATES } from '../db/outboxStore.js'

export const isPhotoLink = (entry) => entry.kind === 'op' && entry.body?.type === 'photo.attach'
const isDeclare = (entry) => entry.kind === 'op' && entry.body?.type === 'photo.declare'

/** The keys a photo is known by in operations: its local id and its hash. */
function photoKeys(entry) {
  const keys = []
  if (entry.photoId ?? entry.meta?.photoId) keys.push(`p:${entry.photoId ?? entry.meta.photoId}`)
  const sha = entry.body?.body?.sha256
  if (sha) keys.push(`h:${sha}`)
  return keys
}

const mine = (entry, me) => entry.ownerId == null || entry.ownerId === me

/**
 * A visitor that picks the next data batch: up to `limit` operations (and about `maxBytes` of
 * JSON), in seq order, keeping each
 * instruction's order. `solo(entry)` says an entry must go alone (after a batch was refused
 * whole, each of its entries goes by itself so the one at fault is found).
 * Use: `const pick = dataPicker(...)`; scanLane(db, 'data', pick.visit); pick.result().
 */
export function dataPicker({ me, now, limit, maxBytes = Infinity, solo = () => false }) {
  const records = new Map()
  const batch = []
  let bytes = 0
  let wakeAt = Infinity
  const recordOf = (entry) => {
    const key = entry.recordId ?? `seq:${entry.seq}`
    if (!records.has(key)) records.set(key, { blocked: false, pendingLinks: [], declared: new Set() })
    return records.get(key)
  }
  const take = (entry) => {
    if (batch.length && solo(entry)) return false
    // A few large bodies (drawn signatures) make a message long on a slow link: cap its bytes
    // too, so the first answers come back early (one entry always goes, whatever its size).
    const size = JSON.stringify(entry.body ?? null).length
    if (batch.length && bytes + size > maxBytes) return false
    batch.push(entry)
    bytes += size
    return !(solo(entry) || batch.length >= limit || bytes >= maxBytes)
  }
  function visit(entry) {
    if (!mine(entry, me)) return true
    const record = recordOf(entry)
    if (record.blocked) return true
    if (isPhotoLink(entry)) {
      const waiting = entry.state !== OUTBOX_STATES.waiting || !entry.photoReady || entry.nextAttemptAt > now
      if (entry.state === OUTBOX_STATES.waiting && entry.photoReady && entry.nextAttemptAt > now) wakeAt = Math.min(wakeAt, entry.nextAttemptAt)
      if (waiting) {
        if (!entry.declared) record.pendingLinks.push(photoKeys(entry))
        return true
      }
      return take(entry)
    }
    if (entry.state !== OUTBOX_STATES.waiting) {
      record.blocked = true // a conflict waits for a person; "sending" for its answer
      return true
    }
    if (entry.nextAttemptAt > now) {
      record.blocked = true
      wakeAt = Math.min(wakeAt, entry.nextAttemptAt)
      return true
    }
    if (isDeclare(entry)) for (const key of photoKeys(entry)) record.declared.add(key)
    if (entry.body?.type === 'instruction.complete' && record.pendingLinks.some((keys) => !keys.some((key) => record.declared.has(key)))) {
      record.blocked = true // woken when the photo's upload or link is done
      return true
    }
    return take(entry)
  }
  return { visit, result: () => ({ batch, wakeAt }) }
}

/**
 * The photo lane's next uploads: up to `limit` candidates, first in first out, passing over those
 * `taken(entry)` says are already in flight (the lane runs several uploads at once); the head's
 * backoff holds the lane for new uploads.
 */
export function photoPicker({ me, now, paused, limit = 1, taken = () => false }) {
  const batch = []
  let wakeAt = Infinity
  function visit(candidate) {
    if (paused) return false
    if (!mine(candidate, me) || candidate.state === OUTBOX_STATES.conflict || taken(candidate)) return true
    if (candidate.nextAttemptAt > now) {
      wakeAt = candidate.nextAttemptAt
      return false
    }
    batch.push(candidate)
    return batch.length < limit
  }
  return { visit, result: () => ({ batch, wakeAt }) }
}

/** The rest lane's next write (first in first out; a conflict holds its record's later writes). */
export function restPicker({ me, now }) {
  const blocked = new Set()
  let entry = null
  let wakeAt = Infinity
  function visit(candidate) {
    if (!mine(candidate, me)) return true
    if (candidate.recordId != null && blocked.has(candidate.recordId)) return true
    if (candidate.state === OUTBOX_STATES.conflict) {
      if (candidate.recordId != null) blocked.add(candidate.recordId)
      return true
    }
    if (candidate.nextAttemptAt > now) {
      wakeAt = candidate.nextAttemptAt
      return false
    }
    entry = candidate
    return false
  }
  return { visit, result: () => ({ batch: entry ? [entry] : [], wakeAt }) }
}
