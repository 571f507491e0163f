// One line per instruction for the outbox screen and the badges: counts from one record's
// entries (read through the by_record index), never from the whole queue. No DOM, no Vue.
import { OUTBOX_STATES } from '../db/outboxStore.js'
import { isPhotoLink } from './lanes.js'

/**
 * Summarise one record's queued entries. `photosTotal`: how many photos of the record the device
 * holds (sent ones included), so "6 photos, 2 sent" can be said.
 */
export function summarizeRecord(recordId, entries, { photosTotal = 0, title = null } = {}) {
  const summary = {
    recordId,
    title,
    total: entries.length,
    records: 0, // operations and REST writes waiting (data to send)
    uploads: 0, // photo uploads waiting
    links: 0, // photo links waiting for their upload
    conflicts: 0,
    opConflicts: 0, // refused sync operations: the conflict screen resolves them
    sending: 0,
    attempts: 0, // the most retries any entry of the record has had
    nextAttemptAt: 0,
    photosTotal,
    photosSent: 0,
    firstSeq: entries.length ? entries[0].seq : Infinity,
    progress: null, // the photo being uploaded: { seq, progress }
  }
  let progressSending = false
  for (const entry of entries) {
    if (entry.state === OUTBOX_STATES.conflict) {
      summary.conflicts += 1
      if (entry.kind === 'op') summary.opConflicts += 1
    }
    if (entry.state === OUTBOX_STATES.sending) summary.sending += 1
    if (entry.kind === 'upload') {
      summary.uploads += 1
      // The bar follows the first photo on its way (two may be), else the first one part sent.
      const sending = entry.state === OUTBOX_STATES.sending
      if ((sending && !progressSending) || (summary.progress === null && entry.progress != null)) summary.progress = { seq: entry.seq, progress: entry.progress ?? 0 }
      if (sending) progressSending = true
    } else if (isPhotoLink(entry)) summary.links += 1
    else summary.records += 1
    summary.attempts = Math.max(summary.attempts, entry.attempts ?? 0)
    if (entry.state === OUTBOX_STATES.waiting && entry.nextAttemptAt > summary.nextAttemptAt) summary.nextAttemptAt = entry.nextAttemptAt
  }
  summary.photosTotal = Math.max(photosTotal, summary.uploads)
  summary.photosSent = summary.photosTotal - summary.uploads
  return summary
}

/** A record's summary once `entry` was queued (`entries`: the record's entries, it included). */
export function withEntry(summary, entries, entry) {
  return summarizeRecord(summary.recordId, entries, { photosTotal: summary.photosTotal + (entry.kind === 'upload' ? 1 : 0), title: summary.title })
}

/** The instruction id of an outbox record id (`instruction:<id>`), else null. */
export function instructionIdOf(recordId) {
  const match = /^instruction:(\d+)$/.exec(recordId ?? '')
  return match ? Number(match[1]) : null
}

/** Groups in the order the screen shows them: conflicts first, then oldest first. */
export function orderGroups(groups) {
  return [...groups].sort((a, b) => Number(b.conflicts > 0) - Number(a.conflicts > 0) || a.firstSeq - b.firstSeq)
}
