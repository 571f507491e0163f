// A day's queue stays fast (issue 10): adding the 1,000th outbox entry costs what the 10th did.
// Each step is what the app does per recorded thing: the base version from the target's own
// pending operations (index), the append, and the summary of that instruction (index + count) —
// no read of the whole queue anywhere. Medians of eleven entries around each point.
import { describe, expect, it } from 'vitest'
import { listOutboxByRecord, listOutboxByTarget } from '../src/db/outbox.js'
import { countPhotos } from '../src/db/photos.js'
import { createOutbox } from '../src/sync/outbox.js'
import { baseVersion, recordIdOf, targetKey } from '../src/sync/field.js'
import { summarizeRecord } from '../src/sync/summary.js'
import { freshDb, fakeTime } from './helpers.js'

const TYPES = ['item_result.set', 'item_result.set', 'photo.attach', 'conclusion.set', 'disposition.set', 'signature.set', 'instruction.complete']

/** The n-th thing recorded in a day: 50 instructions, photos (upload + link) and operations mixed. */
function nth(n) {
  const instructionId = 1 + (n % 50)
  const recordId = recordIdOf(instructionId)
  if (n % 4 === 1) return { kind: 'upload', method: 'PUT', url: '/api/v1/uploads', recordId, label: `photo ${n}`, meta: { photoId: `p${n}`, size: 180_000 } }
  const type = TYPES[n % TYPES.length]
  const target = { instruction_id: instructionId, ...(type === 'item_result.set' ? { item_id: n % 3 } : {}), ...(type === 'photo.attach' ? { photo_id: null } : {}) }
  const body = { type, target, recorded_at: '2026-11-27T09:00:00+08:00', body: { notes: 'x'.repeat(200) } }
  return { kind: 'op', method: 'POST', url: '/api/v1/sync/push', recordId, label: `${type} ${n}`, body, meta: type === 'photo.attach' ? { photoId: `p${n - 1}` } : null }
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

describe('a day of 1,000 outbox entries', () => {
  it('adding the 1,000th entry costs within 1.5× of the 10th', async () => {
    const db = await freshDb()
    const outbox = createOutbox({ db, send: async () => ({ status: 201 }), ...fakeTime() })
    const costs = []
    for (let n = 1; n <= 1000; n += 1) {
      const write = nth(n)
      const started = performance.now()
      if (write.kind === 'op') {
        const key = targetKey(write.body)
        write.body.base_version = baseVersion(null, write.body, key === null ? [] : await listOutboxByTarget(db, key))
      }
      await outbox.enqueue(write)
      summarizeRecord(write.recordId, await listOutboxByRecord(db, write.recordId), { photosTotal: await countPhotos(db, write.recordId) })
      costs.push(performance.now() - started)
    }
    const tenth = median(costs.slice(4, 15)) // entries 5–15
    const thousandth = median(costs.slice(989, 1000)) // entries 990–1000
    expect(thousandth).toBeLessThanOrEqual(1.5 * tenth)
  }, 60_000)
})
