// A day's queue stays fast (issue 10): adding the 1,000th outbox entry costs what the 10th did.
// Each step is what the app does per recorded thing (views/inspector/recording.js enqueueOp and
// app/outboxState.js): the base version from the target's own pending operations (an index read), the
// append, and the instruction's summary grown in memory — no read of the whole queue anywhere.
// Medians of 21 entries around each point, measured in turns.
import { describe, expect, it } from 'vitest'
import { listOutboxByTarget } from '../src/db/outboxStore.js'
import { createOutbox } from '../src/sync/outboxProcessor.js'
import { baseVersion, recordIdOf, targetKey } from '../src/sync/fieldProtocol.js'
import { summarizeRecord, withEntry } from '../src/sync/summary.js'
import { freshDb, fakeTime } from './helpers.js'

const TYPES = ['item_result.set', 'item_result.set', 'photo.attach', 'conclusion.set', 'disposition.set', 'signature.set', 'instruction.complete']

/**
 * The n-th thing recorded in a day: 50 instructions one after the other, 20 entries each, photos
 * (upload + link) and operations mixed. So the 1,000th entry goes to an instruction that holds as
 * many entries as the 10th one's did: what differs is the 980 entries of the day before it.
 */
function nth(n) {
  const instructionId = 1 + Math.floor((n - 1) / 20)
  const recordId = recordIdOf(instructionId)
  if (n % 4 === 1) return { kind: 'upload', method: 'PUT', url: '/api/v1/uploads', recordId, label: `photo ${n}`, meta: { photoId: `p${n}`, size: 180_000 } }
  const type = TYPES[n % TYPES.length]
  const target = { instruction_id: instructionId, ...(type === 'item_result.set' ? { item_id: n % 3 } : {}), ...(type === 'photo.attach' ? { photo_id: null } : {}) }
  const body = { type, target, recorded_at: '2026-11-27T09:00:00+08:00', body: { notes: 'x'.repeat(200) } }
  return { kind: 'op', method: 'POST', url: '/api/v1/sync/push', recordId, label: `${type} ${n}`, body, meta: type === 'photo.attach' ? { photoId: `p${n - 1}` } : null }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

/** A phone's queue with the screen's per-instruction state (app/outboxState.js keeps it so). */
function phone(db) {
  const queue = { db, outbox: createOutbox({ db, send: async () => ({ status: 201 }), ...fakeTime() }), entries: new Map(), summaries: new Map() }
  queue.outbox.on('change', ({ reason, entry }) => {
    if (reason !== 'enqueued') return
    const entries = [...(queue.entries.get(entry.recordId) ?? []), entry]
    queue.entries.set(entry.recordId, entries)
    const before = queue.summaries.get(entry.recordId)
    queue.summaries.set(entry.recordId, before ? withEntry(before, entries, entry) : summarizeRecord(entry.recordId, entries))
  })
  return queue
}

/** Record the n-th thing as the app does; resolves to the milliseconds it took. */
async function recordOne({ db, outbox }, n) {
  const write = nth(n)
  const started = performance.now()
  if (write.kind === 'op') {
    const key = targetKey(write.body)
    write.body.base_version = baseVersion(null, write.body, key === null ? [] : await listOutboxByTarget(db, key))
  }
  await outbox.enqueue(write)
  return performance.now() - started
}

describe('a day of 1,000 outbox entries', () => {
  it('adding the 1,000th entry costs within 1.5× of the 10th', async () => {
    // Two phones' queues: one filled to 989 entries (which also warms up the JIT), one to 4.
    // Then entries 990–1010 of the first and 5–25 of the second are added in turns, so both
    // are measured under the same load (other test files run on the same cores); medians of 21.
    const day = phone(await freshDb())
    const morning = phone(await freshDb())
    for (let n = 1; n < 990; n += 1) await recordOne(day, n)
    for (let n = 1; n < 5; n += 1) await recordOne(morning, n)
    const tenth = []
    const thousandth = []
    for (let step = 0; step < 21; step += 1) {
      tenth.push(await recordOne(morning, 5 + step))
      thousandth.push(await recordOne(day, 990 + step))
    }
    expect(await day.db.count('outbox')).toBe(1010)
    expect(day.summaries.get('instruction:50')).toMatchObject({ total: 20, uploads: 5 }) // the 1,000th entry's
    expect(median(thousandth)).toBeLessThanOrEqual(1.5 * median(tenth))
  }, 60_000)
})
