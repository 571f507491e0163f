import { describe, expect, it, vi } from 'vitest'
import { addOutboxEntry, listOutbox } from '../src/db/outboxStore.js'
import { findByServerId } from '../src/db/records.js'
import { kvGet } from '../src/db/kv.js'
import { createOutbox } from '../src/sync/outboxProcessor.js'
import { CATALOGS_KEY, applyVersion, baseVersion, interpretPush, keepMineChanges, pullInstructions, pushBody, recordIdOf } from '../src/sync/fieldProtocol.js'
import { freshDb, fakeTime } from './helpers.js'

const doc = (id, version = 2, inspection = null) => ({ id, version, status: 'assigned', items: [{ id: 11 }, { id: 12 }], inspection })
const op = (type, target = {}, body = {}) => ({ type, target: { instruction_id: 1, ...target }, body })

describe('pull into the device', () => {
  it('stores documents and catalogs, keeps instructions with unsent work, deletes tombstones', async () => {
    const db = await freshDb()
    await addOutboxEntry(db, { method: 'POST', url: '/api/v1/sync/push', recordId: recordIdOf(2), kind: 'op', body: op('instruction.accept') })
    const pages = [
      { cursor: 0, next_cursor: 2, has_more: true, catalog_version: 'c1', catalogs: { item_results: {} }, changes: [{ seq: 1, instruction_id: 1, removed: false, instruction: doc(1) }, { seq: 2, instruction_id: 2, removed: false, instruction: doc(2, 9) }] },
      { cursor: 2, next_cursor: 3, has_more: false, catalog_version: 'c1', catalogs: null, changes: [{ seq: 3, instruction_id: 3, removed: true }] },
    ]
    const paths = []
    const request = vi.fn(async (method, path) => {
      paths.push(path)
      return { status: 200, data: pages.shift() }
    })
    const { changed, cursor } = await pullInstructions(db, { request, device: 'pwa-dev-1' })
    expect(cursor).toBe(3)
    expect(changed).toBe(2)
    expect((await findByServerId(db, 'instruction', 1)).data.version).toBe(2)
    expect(await findByServerId(db, 'instruction', 2)).toBeUndefined()
    expect(await kvGet(db, CATALOGS_KEY)).toEqual({ item_results: {} })
    expect(paths[1]).toContain('cursor=2')
    expect(paths[1]).toContain('catalog_version=c1')
  })
})

describe('versions', () => {
  it('bases an operation on the pulled version plus my own unsent ones on the same target', () => {
    const pulled = doc(1, 2, { item_results: [{ item_id: 11, version: 3 }], conclusion_version: 0 })
    const item = op('item_result.set', { item_id: 11 })
    const waiting = [{ kind: 'op', body: { ...item } }, { kind: 'op', body: op('item_result.set', { item_id: 12 }) }]
    expect(baseVersion(pulled, item, waiting)).toBe(4)
    expect(baseVersion(pulled, op('item_result.set', { item_id: 12 }), [])).toBe(0)
    expect(baseVersion(pulled, op('instruction.start'), [{ kind: 'op', body: op('instruction.accept') }])).toBe(3)
    expect(baseVersion(pulled, op('sample.add', { sample_id: 'x' }), [])).toBeNull()
  })

  it('moves the local copy to the version an applied result reports', () => {
    const next = applyVersion(doc(1), op('item_result.set', { item_id: 11 }, { result: 'conforms', notes: '' }), 1)
    expect(next.inspection.item_results).toEqual([{ item_id: 11, result: 'conforms', notes: '', version: 1 }])
    expect(applyVersion(doc(1), op('instruction.accept'), 3).version).toBe(3)
  })
})

describe('push answers', () => {
  it('applied is sent; conflicts wait for a person; a photo link waits for its upload', () => {
    expect(interpretPush({ status: 200, data: { results: [{ status: 'applied', replayed: true }] } })).toEqual({ outcome: 'sent' })
    expect(interpretPush({ status: 200, data: { results: [{ status: 'conflict', error: 'inspection.version_conflict', server: { version: 2 } }] } }).outcome).toBe('conflict')
    expect(interpretPush({ status: 200, data: { results: [{ status: 'rejected', error: 'inspection.photo_not_found' }] } }).outcome).toBe('retry')
    expect(interpretPush({ status: 503, data: null })).toBeUndefined()
  })

  it('sends the entry id as op_id and fills in the uploaded photo id', () => {
    const entry = { id: 'op-1', body: op('photo.attach', { photo_id: null, item_id: 11 }, { sha256: 'f'.repeat(64) }) }
    expect(pushBody('pwa-dev-1', entry, 99)).toEqual({ device_id: 'pwa-dev-1', operations: [{ op_id: 'op-1', ...entry.body, target: { instruction_id: 1, item_id: 11, photo_id: 99 } }] })
  })

  it('"keep mine" is a new operation against the server version', () => {
    const entry = { id: 'op-1', body: { ...op('item_result.set', { item_id: 11 }, { result: 'conforms' }), base_version: 0 } }
    expect(keepMineChanges(entry, 5, 'op-2')).toEqual({ id: 'op-2', body: { ...entry.body, base_version: 5 } })
  })
})

describe('outbox extensions', () => {
  it('lets a kind read its own answer, keeps progress and sends an amended conflict again', async () => {
    const db = await freshDb()
    const time = fakeTime()
    const answers = [
      { status: 200, data: { results: [{ status: 'conflict', error: 'inspection.version_conflict', server: { version: 1 } }] } },
      { status: 200, data: { results: [{ status: 'applied', version: 2 }] } },
    ]
    const sentIds = []
    const send = async (entry, { progress }) => {
      progress(0.5)
      sentIds.push(entry.id)
      return answers.shift()
    }
    const outbox = createOutbox({ db, send, interpret: (entry, response) => interpretPush(response), random: () => 0.5, ...time })
    const progress = []
    outbox.on('progress', (detail) => progress.push(detail.progress))
    const entry = await outbox.enqueue({ method: 'POST', url: '/api/v1/sync/push', kind: 'op', body: { ...op('item_result.set', { item_id: 11 }), base_version: 0 } })
    await outbox.run()
    const [conflicted] = await listOutbox(db)
    expect(conflicted.state).toBe('conflict')
    expect(conflicted.lastError.server.version).toBe(1)
    expect(progress).toEqual([0.5])
    await outbox.amend(conflicted.seq, keepMineChanges(conflicted, 1, 'op-new'))
    expect(await listOutbox(db)).toEqual([])
    expect(sentIds).toEqual([entry.id, 'op-new'])
  })
})
