import { describe, expect, it, vi } from 'vitest'
import { listOutbox } from '../src/db/outboxStore.js'
import { AuthRequiredError, OfflineError, classifyStatus, createOutbox } from '../src/sync/outboxProcessor.js'
import { backoffDelay } from '../src/sync/backoff.js'
import { getCursor, pullFeed } from '../src/sync/cursor.js'
import { findByServerId } from '../src/db/records.js'
import { freshDb, fakeTime } from './helpers.js'

const BACKOFF = { baseMs: 1000, maxMs: 60_000, factor: 2 }

/** An outbox whose server is a script: `answers` is consumed one per request. */
async function setup(answers = [], { owner = () => null } = {}) {
  const db = await freshDb()
  const time = fakeTime()
  const sent = []
  const send = vi.fn(async (entry) => {
    sent.push(entry.url)
    const answer = answers.length ? answers.shift() : { status: 201 }
    if (answer instanceof Error) throw answer
    return answer
  })
  const outbox = createOutbox({ db, send, backoff: BACKOFF, random: () => 0.5, owner, ...time })
  const events = []
  for (const name of ['change', 'sending', 'sent', 'conflict', 'offline', 'online', 'idle', 'auth-required']) {
    outbox.on(name, (detail) => events.push([name, detail]))
  }
  const named = (name) => events.filter(([n]) => n === name).map(([, d]) => d)
  return { db, time, send, sent, outbox, events, named }
}

const write = (url, extra = {}) => ({ method: 'POST', url, body: { url }, ...extra })

describe('backoff', () => {
  it('doubles from the base up to the cap, with half of it jittered', () => {
    expect(backoffDelay(1, BACKOFF, () => 0)).toBe(500)
    expect(backoffDelay(1, BACKOFF, () => 1)).toBe(1000)
    expect(backoffDelay(2, BACKOFF, () => 1)).toBe(2000)
    expect(backoffDelay(4, BACKOFF, () => 0.5)).toBe(6000)
    expect(backoffDelay(30, BACKOFF, () => 1)).toBe(60_000)
    expect(backoffDelay(30, BACKOFF, () => 0)).toBe(30_000)
  })

  it('classifies answers', () => {
    expect([200, 201, 204].map(classifyStatus)).toEqual(['sent', 'sent', 'sent'])
    expect([500, 502, 503, 408, 429].map(classifyStatus)).toEqual(Array(5).fill('retry'))
    expect([400, 403, 404, 409, 422].map(classifyStatus)).toEqual(Array(5).fill('conflict'))
    expect(classifyStatus(401)).toBe('auth')
  })
})

describe('outbox', () => {
  it('sends first in first out, one at a time, and removes entries only after a 2xx', async () => {
    const { outbox, send, sent, db, named } = await setup()
    let inFlight = 0
    let maxInFlight = 0
    send.mockImplementation(async (entry) => {
      inFlight += 1
      maxInFlight = Math.max(maxInFlight, inFlight)
      await new Promise((resolve) => setTimeout(resolve, 1))
      // While the request is in flight the entry is still stored, marked "sending".
      const stored = (await listOutbox(db)).find((e) => e.seq === entry.seq)
      expect(stored.state).toBe('sending')
      inFlight -= 1
      sent.push(entry.url)
      return { status: 201, data: { ok: true } }
    })
    for (const url of ['/1', '/2', '/3']) await outbox.enqueue(write(url))
    await Promise.all([outbox.run(), outbox.run(), outbox.run()])
    expect(sent).toEqual(['/1', '/2', '/3'])
    expect(maxInFlight).toBe(1)
    expect(await listOutbox(db)).toEqual([])
    expect(named('sent').map((d) => d.entry.url)).toEqual(['/1', '/2', '/3'])
    expect(named('idle')).toHaveLength(1)
  })

  it('sends the idempotency id with each entry so a resend cannot duplicate', async () => {
    const { outbox, send } = await setup()
    const entry = await outbox.enqueue(write('/inspections'))
    await outbox.run()
    expect(send.mock.calls[0][0].id).toBe(entry.id)
  })

  it('treats a failed fetch as offline: keeps the entry, backs off, resumes in order', async () => {
    const { outbox, db, time, sent, named } = await setup([new OfflineError('Failed to fetch'), new TypeError('network'), { status: 201 }, { status: 201 }])
    await outbox.enqueue(write('/1'))
    await outbox.enqueue(write('/2'))
    await outbox.run()
    let [head, second] = await listOutbox(db)
    expect(head).toMatchObject({ url: '/1', state: 'waiting', attempts: 1 })
    expect(head.lastError.kind).toBe('offline')
    expect(second).toMatchObject({ url: '/2', attempts: 0 }) // FIFO: nothing jumps the queue
    expect(named('offline')).toHaveLength(1)
    expect(time.pending()).toEqual([750]) // base 1000, half jittered with random 0.5

    await time.advance(749)
    expect(sent).toEqual(['/1'])
    await time.advance(1)
    await outbox.run()
    ;[head] = await listOutbox(db)
    expect(head.attempts).toBe(2)
    expect(time.pending()).toEqual([1500]) // doubled

    await time.advance(1500)
    await outbox.run()
    expect(sent).toEqual(['/1', '/1', '/1', '/2'])
    expect(await listOutbox(db)).toEqual([])
    expect(named('online')).toHaveLength(1)
  })

  it('retries server errors and never gives up or expires an entry', async () => {
    const answers = Array.from({ length: 12 }, () => ({ status: 503 }))
    const { outbox, db, time } = await setup(answers)
    await outbox.enqueue(write('/inspection'))
    await outbox.run()
    for (let i = 0; i < 12; i += 1) {
      await time.advance(10 * 60 * 1000)
      await outbox.run()
    }
    expect(await listOutbox(db)).toEqual([])
    // 12 failures then success: the delay stayed capped at maxMs, the data was kept throughout.
  })

  it('parks a refused entry as a conflict, keeps it, and holds later writes of the same record', async () => {
    const { outbox, db, sent, named } = await setup([{ status: 409, data: { error: 'inspection.invalid_transition' } }])
    await outbox.enqueue(write('/r1/a', { recordId: 'r1' }))
    await outbox.enqueue(write('/r1/b', { recordId: 'r1' }))
    await outbox.enqueue(write('/r2/a', { recordId: 'r2' }))
    await outbox.run()
    expect(sent).toEqual(['/r1/a', '/r2/a'])
    const left = await listOutbox(db)
    expect(left.map((e) => [e.url, e.state])).toEqual([
      ['/r1/a', 'conflict'],
      ['/r1/b', 'waiting'],
    ])
    expect(left[0].lastError).toEqual({ kind: 'http', status: 409, data: { error: 'inspection.invalid_transition' } })
    expect(named('conflict').map((e) => e.url)).toEqual(['/r1/a'])

    // Once the user requeues the conflict, the record's writes go in their original order.
    await outbox.requeue(left[0].seq)
    expect(sent).toEqual(['/r1/a', '/r2/a', '/r1/a', '/r1/b'])
    expect(await listOutbox(db)).toEqual([])
  })

  it('stops when the server wants a new sign-in and keeps the entry waiting', async () => {
    const { outbox, db, sent, named } = await setup([new AuthRequiredError()])
    await outbox.enqueue(write('/1'))
    await outbox.enqueue(write('/2'))
    await outbox.run()
    expect(sent).toEqual(['/1'])
    expect((await listOutbox(db)).map((e) => e.state)).toEqual(['waiting', 'waiting'])
    expect(named('auth-required')).toHaveLength(1)
    await outbox.run()
    expect(sent).toEqual(['/1', '/1', '/2'])
  })

  it('after a reload, an entry caught mid-flight is sent again', async () => {
    const { outbox, db, sent } = await setup()
    const entry = await outbox.enqueue(write('/1'))
    const { updateOutboxEntry } = await import('../src/db/outboxStore.js')
    await updateOutboxEntry(db, entry.seq, { state: 'sending' })
    await outbox.start()
    expect(sent).toEqual(['/1'])
    expect(await listOutbox(db)).toEqual([])
  })

  it('retryNow skips the remaining backoff', async () => {
    const { outbox, db, sent } = await setup([new OfflineError()])
    await outbox.enqueue(write('/1'))
    await outbox.run()
    expect((await listOutbox(db))[0].nextAttemptAt).toBeGreaterThan(0)
    await outbox.retryNow()
    expect(sent).toEqual(['/1', '/1'])
    expect(await listOutbox(db)).toEqual([])
  })

  it('a stopped outbox sends nothing until started again', async () => {
    const { outbox, sent } = await setup()
    outbox.stop()
    await outbox.enqueue(write('/1'))
    await outbox.run()
    expect(sent).toEqual([])
    await outbox.start()
    expect(sent).toEqual(['/1'])
  })

  it("sends only the signed-in user's entries; another user's wait for them (shared phones)", async () => {
    let user = 7
    const { outbox, db, sent } = await setup([], { owner: () => user })
    await outbox.enqueue(write('/by-7'))
    user = 8
    await outbox.enqueue(write('/by-8'))
    await outbox.run()
    expect(sent).toEqual(['/by-8'])
    expect((await listOutbox(db)).map((e) => [e.url, e.ownerId])).toEqual([['/by-7', 7]])
    user = 7
    await outbox.run()
    expect(sent).toEqual(['/by-8', '/by-7'])
  })

  it('a throwing listener does not break the queue', async () => {
    const { outbox, sent } = await setup()
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {})
    outbox.on('sent', () => {
      throw new Error('ui bug')
    })
    await outbox.enqueue(write('/1'))
    await outbox.enqueue(write('/2'))
    await outbox.run()
    expect(sent).toEqual(['/1', '/2'])
    expect(spy).toHaveBeenCalledTimes(2)
    spy.mockRestore()
  })
})

describe('pull cursor', () => {
  it('stores each page with its cursor in one step and resumes from the saved cursor', async () => {
    const db = await freshDb()
    const pages = {
      null: { items: [{ id: 1, status: 'assigned' }], next_cursor: 'c1', has_more: true },
      c1: { items: [{ id: 2, status: 'assigned' }], next_cursor: 'c2', has_more: false },
      c2: { items: [{ id: 1, status: 'accepted' }], next_cursor: 'c3', has_more: false },
    }
    const asked = []
    const fetchPage = async (cursor) => {
      asked.push(cursor)
      return pages[String(cursor)]
    }
    expect(await pullFeed(db, { feed: 'instructions', type: 'instruction', fetchPage })).toEqual({ stored: 2, cursor: 'c2' })
    expect(await getCursor(db, 'instructions')).toBe('c2')
    await pullFeed(db, { feed: 'instructions', type: 'instruction', fetchPage })
    expect(asked).toEqual([null, 'c1', 'c2'])
    expect((await findByServerId(db, 'instruction', 1)).data.status).toBe('accepted')
  })

  it('leaves the cursor where it was when a page fails', async () => {
    const db = await freshDb()
    const fetchPage = async (cursor) => {
      if (cursor === 'c1') throw new OfflineError()
      return { items: [{ id: 1 }], next_cursor: 'c1', has_more: true }
    }
    await expect(pullFeed(db, { feed: 'f', type: 'instruction', fetchPage })).rejects.toThrow(OfflineError)
    expect(await getCursor(db, 'f')).toBe('c1')
  })
})
