import { describe, expect, it } from 'vitest'
import {
  DB_VERSION,
  SCHEMA_UPGRADES,
  STORES,
  addOutboxEntry,
  findByServerId,
  getPhoto,
  kvDelete,
  kvGet,
  kvSet,
  listOutbox,
  listPhotos,
  listRecords,
  openAppDb,
  putPhoto,
  putRecord,
  updateOutboxEntry,
  upsertFromServer,
} from '../src/db/index.js'
import { freshDb } from './helpers.js'

describe('schema', () => {
  it('creates every store and index at the current version', async () => {
    const db = await freshDb()
    expect(db.version).toBe(DB_VERSION)
    expect([...db.objectStoreNames].sort()).toEqual(['kv', 'outbox', 'photos', 'records'])
    const tx = db.transaction([STORES.outbox, STORES.records, STORES.photos])
    expect([...tx.objectStore(STORES.outbox).indexNames].sort()).toEqual(['by_id', 'by_lane', 'by_photo', 'by_queue_state', 'by_record', 'by_target'])
    expect([...tx.objectStore(STORES.records).indexNames].sort()).toEqual(['by_server_id', 'by_type'])
    expect([...tx.objectStore(STORES.photos).indexNames]).toEqual(['by_record'])
    expect(tx.objectStore(STORES.outbox).autoIncrement).toBe(true)
    db.close()
  })

  it('upgrades an older database step by step without losing its data', async () => {
    const name = `chajian-upgrade-${Date.now()}`
    const v1 = await openAppDb({ name })
    const entry = await addOutboxEntry(v1, { method: 'POST', url: '/api/v1/inspections', body: { n: 1 } })
    v1.close()
    // A future release adds a step: only that step runs on a phone already at version 1.
    const ran = []
    const step2 = (db, tx) => {
      ran.push(2)
      tx.objectStore(STORES.outbox).createIndex('by_state', 'state')
    }
    const v2 = await openAppDb({ name, upgrades: [...SCHEMA_UPGRADES, step2] })
    expect(v2.version).toBe(DB_VERSION + 1)
    expect(ran).toEqual([2])
    expect(await v2.getAllFromIndex(STORES.outbox, 'by_state', 'waiting')).toEqual([entry])
    v2.close()
  })

  it('step 2 puts entries queued before lanes existed into their lane, with target and photo', async () => {
    const name = `chajian-lanes-${Date.now()}`
    const v1 = await openAppDb({ name, upgrades: SCHEMA_UPGRADES.slice(0, 1) })
    const op = { type: 'item_result.set', target: { instruction_id: 4, item_id: 9 }, base_version: 0, body: {} }
    const link = { type: 'photo.attach', target: { instruction_id: 4, photo_id: null }, base_version: null, body: { sha256: 'a' } }
    await v1.add(STORES.outbox, { id: 'a', kind: 'op', body: op, recordId: 'instruction:4', state: 'waiting' })
    await v1.add(STORES.outbox, { id: 'b', kind: 'upload', meta: { photoId: 'p1' }, recordId: 'instruction:4', state: 'waiting' })
    await v1.add(STORES.outbox, { id: 'c', kind: 'op', body: link, meta: { photoId: 'p1' }, recordId: 'instruction:4', state: 'conflict' })
    await v1.add(STORES.outbox, { id: 'd', kind: null, body: {}, recordId: null, state: 'waiting' })
    v1.close()
    const db = await openAppDb({ name })
    expect((await db.getAllFromIndex(STORES.outbox, 'by_lane', 'data')).map((e) => e.id)).toEqual(['a', 'c'])
    expect((await db.getAllFromIndex(STORES.outbox, 'by_lane', 'photo')).map((e) => e.id)).toEqual(['b'])
    expect((await db.getAllFromIndex(STORES.outbox, 'by_lane', 'rest')).map((e) => e.id)).toEqual(['d'])
    expect((await db.getAllFromIndex(STORES.outbox, 'by_target', 'item:4:9')).map((e) => e.id)).toEqual(['a'])
    expect((await db.getAllFromIndex(STORES.outbox, 'by_photo', 'p1')).map((e) => e.id)).toEqual(['b', 'c'])
    expect((await db.getAllFromIndex(STORES.outbox, 'by_queue_state', 'conflict')).map((e) => e.id)).toEqual(['c'])
    db.close()
  })

  it('reopening at the same version keeps the data', async () => {
    const name = `chajian-reopen-${Date.now()}`
    const db = await openAppDb({ name })
    await kvSet(db, 'auth.tokens', { access_token: 'a' })
    db.close()
    const reopened = await openAppDb({ name })
    expect(await kvGet(reopened, 'auth.tokens')).toEqual({ access_token: 'a' })
    reopened.close()
  })
})

describe('kv', () => {
  it('stores, reads and deletes values by key', async () => {
    const db = await freshDb()
    await kvSet(db, 'cursor:x', 42)
    expect(await kvGet(db, 'cursor:x')).toBe(42)
    await kvDelete(db, 'cursor:x')
    expect(await kvGet(db, 'cursor:x')).toBeUndefined()
  })
})

describe('records', () => {
  it('keys records by a client-generated id and lists them by type, newest first', async () => {
    const db = await freshDb()
    const a = await putRecord(db, { type: 'inspection', data: { n: 1 }, updatedAt: 1 })
    const b = await putRecord(db, { type: 'inspection', data: { n: 2 }, updatedAt: 2 })
    await putRecord(db, { type: 'declaration', data: {} })
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(a.id).not.toBe(b.id)
    expect((await listRecords(db, 'inspection')).map((r) => r.data.n)).toEqual([2, 1])
  })

  it('refuses a record without a type', async () => {
    const db = await freshDb()
    await expect(putRecord(db, { data: {} })).rejects.toThrow(/type/)
  })

  it('merges server rows, keeps local ids, and leaves unsent local edits alone', async () => {
    const db = await freshDb()
    await upsertFromServer(db, 'instruction', [{ id: 7, status: 'assigned' }, { id: 8, status: 'assigned' }])
    const first = await findByServerId(db, 'instruction', 7)
    await putRecord(db, { ...(await findByServerId(db, 'instruction', 8)), dirty: true, data: { id: 8, status: 'in_progress' } })
    await upsertFromServer(db, 'instruction', [{ id: 7, status: 'accepted' }, { id: 8, status: 'cancelled' }])
    const seven = await findByServerId(db, 'instruction', 7)
    expect(seven.id).toBe(first.id)
    expect(seven.data.status).toBe('accepted')
    expect((await findByServerId(db, 'instruction', 8)).data.status).toBe('in_progress')
    expect(await listRecords(db, 'instruction')).toHaveLength(2)
  })
})

describe('photos', () => {
  it('keeps photos as Blobs next to their record', async () => {
    const db = await freshDb()
    const blob = new Blob([new Uint8Array([0xff, 0xd8, 0xff])], { type: 'image/jpeg' })
    const stored = await putPhoto(db, { blob, recordId: 'r1', meta: { lat: 22.5, lon: 114.1 } })
    const back = await getPhoto(db, stored.id)
    expect(back.blob).toBeInstanceOf(Blob)
    expect(back.blob.size).toBe(3)
    expect(back.meta).toEqual({ lat: 22.5, lon: 114.1 })
    expect((await listPhotos(db, 'r1')).map((p) => p.id)).toEqual([stored.id])
    await expect(putPhoto(db, { blob: 'not a blob', recordId: 'r1' })).rejects.toThrow(TypeError)
  })
})

describe('outbox store', () => {
  it('appends entries in insertion order with a unique id', async () => {
    const db = await freshDb()
    const a = await addOutboxEntry(db, { method: 'post', url: '/a', body: { x: 1 } })
    const b = await addOutboxEntry(db, { method: 'PUT', url: '/b' })
    expect(b.seq).toBeGreaterThan(a.seq)
    expect(a.method).toBe('POST')
    expect(a.state).toBe('waiting')
    expect((await listOutbox(db)).map((e) => e.url)).toEqual(['/a', '/b'])
    await expect(addOutboxEntry(db, { method: 'POST', url: '/c', id: a.id })).rejects.toThrow()
  })

  it('updates an entry in place and returns null for a missing one', async () => {
    const db = await freshDb()
    const a = await addOutboxEntry(db, { method: 'POST', url: '/a' })
    const updated = await updateOutboxEntry(db, a.seq, { state: 'sending' })
    expect(updated).toMatchObject({ seq: a.seq, id: a.id, state: 'sending', url: '/a' })
    expect(await updateOutboxEntry(db, 9999, { state: 'sending' })).toBeNull()
  })
})
