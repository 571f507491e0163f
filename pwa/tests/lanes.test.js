// The outbox's lanes (docs/sync.md, "The device's outbox"): operations in batches with each
// instruction's order kept, photo uploads beside them, photo links waiting for their upload
// without holding anything else.
import { describe, expect, it, vi } from 'vitest'
import { listOutbox } from '../src/db/outboxStore.js'
import { OfflineError, PausedError, createOutbox } from '../src/sync/outboxProcessor.js'
import { freshDb, fakeTime } from './helpers.js'

const BACKOFF = { baseMs: 1000, maxMs: 60_000, factor: 2 }

/** A sendBatch whose push stays on its way until `answerPush()`; it logs when sent and answered. */
function heldPush(log) {
  let answerPush
  const pushHeld = new Promise((resolve) => (answerPush = resolve))
  const sendBatch = async (entries) => {
    log.push('push sent')
    await pushHeld
    log.push('push answered')
    return { status: 200, data: { results: entries.map((entry) => ({ op_id: entry.id, status: 'applied' })) } }
  }
  return { sendBatch, answerPush }
}

const op = (instructionId, type, extra = {}) => ({
  kind: 'op',
  method: 'POST',
  url: '/api/v1/sync/push',
  recordId: `instruction:${instructionId}`,
  label: `${instructionId} ${type}`,
  body: { type, target: { instruction_id: instructionId, ...(extra.target ?? {}) }, base_version: 0, body: extra.body ?? {} },
  meta: extra.meta ?? null,
})
const upload = (instructionId, photoId) => ({ kind: 'upload', method: 'PUT', url: '/api/v1/uploads', recordId: `instruction:${instructionId}`, label: `photo ${photoId}`, meta: { photoId } })
const link = (instructionId, photoId) => op(instructionId, 'photo.attach', { body: { sha256: `sha-${photoId}` }, meta: { photoId } })

/**
 * An outbox against a scripted server. `decide(op)` answers one operation of a push (default:
 * applied); `uploads(entry)` answers one photo upload (default: done at once).
 */
async function setup({ decide = () => ({ status: 'applied' }), uploads = async () => ({ status: 200, data: { id: 900 } }), paused = () => false, batchSize = 200 } = {}) {
  const db = await freshDb()
  const time = fakeTime()
  const pushes = [] // each push: the labels it carried
  const batches = [] // …and the entries themselves
  const uploaded = []
  const sendBatch = async (entries) => {
    pushes.push(entries.map((entry) => entry.label))
    batches.push(entries)
    const blocked = new Set()
    const results = entries.map((entry) => {
      const instruction = entry.body.target.instruction_id
      if (blocked.has(instruction)) return { op_id: entry.id, status: 'skipped', blocked_by: 'earlier' }
      const result = { op_id: entry.id, ...decide(entry) }
      if (result.status !== 'applied') blocked.add(instruction)
      return result
    })
    return { status: 200, data: { results } }
  }
  const send = async (entry, { progress }) => {
    uploaded.push(entry.label)
    progress(0.5)
    return uploads(entry)
  }
  const outbox = createOutbox({ db, send, sendBatch, batchSize, backoff: BACKOFF, random: () => 0.5, photosPaused: paused, ...time })
  const sent = []
  outbox.on('sent', ({ entry, data }) => sent.push([entry.label, data]))
  return { db, time, outbox, pushes, batches, uploaded, sent }
}

describe('data lane', () => {
  it('carries many operations of many instructions in one push, each instruction in order', async () => {
    const { outbox, pushes, db, sent } = await setup()
    for (const id of [1, 2, 3]) {
      await outbox.enqueue(op(id, 'instruction.start'))
      await outbox.enqueue(op(id, 'item_result.set', { target: { item_id: id * 10 } }))
    }
    await outbox.enqueue(op(1, 'instruction.complete'))
    await outbox.run()
    expect(pushes).toEqual([['1 instruction.start', '1 item_result.set', '2 instruction.start', '2 item_result.set', '3 instruction.start', '3 item_result.set', '1 instruction.complete']])
    expect(await listOutbox(db)).toEqual([])
    // Each entry's own result, in the shape a one-operation push answers.
    expect(sent[0][1].results).toHaveLength(1)
    expect(sent[0][1].results[0].status).toBe('applied')
  })

  it("hands a batch's results to listeners one after the other (their local writes never overlap)", async () => {
    const { outbox } = await setup()
    const log = []
    outbox.on('sent', async ({ entry }) => {
      log.push(`start ${entry.label}`)
      await new Promise((resolve) => setTimeout(resolve, 5))
      log.push(`end ${entry.label}`)
    })
    await outbox.enqueue(op(1, 'conclusion.set'))
    await outbox.enqueue(op(1, 'signature.set'))
    await outbox.run()
    expect(log).toEqual(['start 1 conclusion.set', 'end 1 conclusion.set', 'start 1 signature.set', 'end 1 signature.set'])
  })

  it('splits a long queue into pushes of the batch size', async () => {
    const { outbox, pushes } = await setup({ batchSize: 3 })
    for (let n = 0; n < 7; n += 1) await outbox.enqueue(op(n, 'instruction.start'))
    await outbox.run()
    expect(pushes.map((labels) => labels.length)).toEqual([3, 3, 1])
  })

  it('caps a push by its bytes too (signatures are large), one operation always going', async () => {
    const { outbox, pushes } = await setup({ batchSize: 200 })
    const big = (id) => ({ ...op(id, 'signature.set'), body: { type: 'signature.set', target: { instruction_id: id }, base_version: 0, body: { png_base64: 'A'.repeat(70 * 1024) } } })
    for (const id of [1, 2, 3]) await outbox.enqueue(big(id))
    await outbox.enqueue(op(4, 'instruction.start'))
    await outbox.run()
    expect(pushes).toEqual([['1 signature.set'], ['2 signature.set'], ['3 signature.set', '4 instruction.start']])
  })

  it("a refused operation holds only its instruction's later operations; skipped ones stay queued", async () => {
    const decide = (entry) => (entry.label === '1 conclusion.set' ? { status: 'rejected', http_status: 422, error: 'inspection.invalid_body', errors: { notes: ['too long'] } } : { status: 'applied' })
    const { outbox, pushes, db } = await setup({ decide })
    await outbox.enqueue(op(1, 'conclusion.set'))
    await outbox.enqueue(op(2, 'conclusion.set'))
    await outbox.enqueue(op(1, 'signature.set'))
    await outbox.enqueue(op(1, 'instruction.complete'))
    await outbox.enqueue(op(2, 'instruction.complete'))
    await outbox.run()
    expect(pushes).toEqual([['1 conclusion.set', '2 conclusion.set', '1 signature.set', '1 instruction.complete', '2 instruction.complete']])
    const left = await listOutbox(db)
    expect(left.map((e) => [e.label, e.state])).toEqual([
      ['1 conclusion.set', 'conflict'],
      ['1 signature.set', 'waiting'],
      ['1 instruction.complete', 'waiting'],
    ])
    expect(left[0].lastError).toMatchObject({ kind: 'sync', error: 'inspection.invalid_body', errors: { notes: ['too long'] } })
    expect(left[1].lastError).toMatchObject({ status: 'skipped', blocked_by: 'earlier' })
    expect(left[1].attempts).toBe(0) // skipped is not a failure of its own

    // Nothing more goes for instruction 1 while its conflict stands…
    await outbox.run()
    expect(pushes).toHaveLength(1)
    // …and once the person resolved it, the rest follows in order.
    await outbox.requeue(left[0].seq)
    expect(pushes[1]).toEqual(['1 conclusion.set', '1 signature.set', '1 instruction.complete'])
  })

  it('does not send an instruction\'s later operations past one that waits for a retry', async () => {
    let fail = true
    const decide = (entry) => (entry.label === '1 instruction.start' && fail ? { status: 'rejected', error: 'inspection.photo_not_found' } : { status: 'applied' })
    const { outbox, pushes, time } = await setup({ decide })
    await outbox.enqueue(op(1, 'instruction.start'))
    await outbox.enqueue(op(1, 'instruction.complete'))
    await outbox.enqueue(op(2, 'instruction.start'))
    await outbox.run()
    // The first push: 1 start refused for now (retry), 1 complete skipped, 2 start applied.
    expect(pushes).toEqual([['1 instruction.start', '1 instruction.complete', '2 instruction.start']])
    fail = false
    await time.advance(60_000)
    await outbox.run()
    expect(pushes[1]).toEqual(['1 instruction.start', '1 instruction.complete'])
  })

  it('a whole push that gets no answer keeps every operation and retries with backoff', async () => {
    const db = await freshDb()
    const time = fakeTime()
    let calls = 0
    const failing = createOutbox({
      db,
      send: async () => ({ status: 201 }),
      sendBatch: async (entries) => {
        calls += 1
        if (calls === 1) throw new OfflineError('Failed to fetch')
        return { status: 200, data: { results: entries.map((entry) => ({ op_id: entry.id, status: 'applied' })) } }
      },
      backoff: BACKOFF,
      random: () => 0.5,
      ...time,
    })
    await failing.enqueue(op(1, 'instruction.start'))
    await failing.enqueue(op(2, 'instruction.start'))
    await failing.run()
    expect((await listOutbox(db)).map((e) => [e.state, e.attempts, e.lastError.kind])).toEqual([
      ['waiting', 1, 'offline'],
      ['waiting', 1, 'offline'],
    ])
    expect(time.pending()).toEqual([750])
    await time.advance(750)
    expect(calls).toBe(2)
    expect(await listOutbox(db)).toEqual([])
  })

  it('a push refused whole is sent again one operation at a time to find the culprit', async () => {
    const db = await freshDb()
    const time = fakeTime()
    const pushes = []
    const outbox = createOutbox({
      db,
      send: async () => ({ status: 201 }),
      sendBatch: async (entries) => {
        pushes.push(entries.map((entry) => entry.label))
        if (entries.some((entry) => entry.label === '2 instruction.start')) return { status: 400, data: { error: 'request.invalid_body' } }
        return { status: 200, data: { results: entries.map((entry) => ({ op_id: entry.id, status: 'applied' })) } }
      },
      backoff: BACKOFF,
      random: () => 0.5,
      ...time,
    })
    for (const id of [1, 2, 3]) await outbox.enqueue(op(id, 'instruction.start'))
    await outbox.run()
    expect(pushes).toEqual([['1 instruction.start', '2 instruction.start', '3 instruction.start'], ['1 instruction.start'], ['2 instruction.start'], ['3 instruction.start']])
    expect((await listOutbox(db)).map((e) => [e.label, e.state])).toEqual([['2 instruction.start', 'conflict']])
  })
})

describe('photo lane beside the data lane', () => {
  it('operations go while a photo upload is in flight, and do not wait for it', async () => {
    let release
    const inFlight = new Promise((resolve) => (release = resolve))
    const { outbox, pushes, uploaded, db } = await setup({ uploads: async () => (await inFlight, { status: 200, data: { id: 901 } }) })
    await outbox.enqueue(op(1, 'instruction.start'))
    await outbox.enqueue(upload(1, 'p1'))
    await outbox.enqueue(link(1, 'p1'))
    await outbox.enqueue(op(1, 'conclusion.set'))
    await outbox.enqueue(op(1, 'signature.set'))
    const running = outbox.run()
    // The upload stays in flight until released: the push must come meanwhile.
    await vi.waitFor(() => expect(pushes).toHaveLength(1), { timeout: 5000 })
    expect(uploaded).toEqual(['photo p1']) // the upload started…
    // …and every result went past it, the photo link (waiting for its upload) held nothing back.
    expect(pushes).toEqual([['1 instruction.start', '1 conclusion.set', '1 signature.set']])
    expect((await listOutbox(db)).map((e) => e.label)).toEqual(['photo p1', '1 photo.attach'])
    release()
    await running
    await outbox.run()
    expect(pushes[1]).toEqual(['1 photo.attach'])
    expect(await listOutbox(db)).toEqual([])
  })

  it("data first: a photo's next chunk waits while a push is on its way", async () => {
    const db = await freshDb()
    const time = fakeTime()
    const log = []
    const { sendBatch, answerPush } = heldPush(log)
    const outbox = createOutbox({
      db,
      ...time,
      sendBatch,
      send: async (entry, { dataFirst }) => {
        for (const chunk of [1, 2]) {
          await dataFirst()
          log.push(`chunk ${chunk}`)
        }
        return { status: 200, data: { id: 5 } }
      },
    })
    await outbox.enqueue(op(1, 'conclusion.set'))
    await outbox.enqueue(upload(1, 'p1'))
    const running = outbox.run()
    await vi.waitFor(() => expect(log).toContain('push sent'))
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(log).toEqual(['push sent'])
    answerPush()
    await running
    expect(log).toEqual(['push sent', 'push answered', 'chunk 1', 'chunk 2'])
  })

  it('a push of photo links alone does not hold the next chunk', async () => {
    const db = await freshDb()
    const time = fakeTime()
    const log = []
    let answerPush
    const pushHeld = new Promise((resolve) => (answerPush = resolve))
    let photoDone = false
    const outbox = createOutbox({
      db,
      ...time,
      sendBatch: async (entries) => {
        log.push(`push ${entries.map((entry) => entry.body.type).join(',')}`)
        await pushHeld
        return { status: 200, data: { results: entries.map((entry) => ({ op_id: entry.id, status: 'applied' })) } }
      },
      send: async (entry, { dataFirst }) => {
        if (entry.meta.photoId === 'p1') {
          photoDone = true
          return { status: 200, data: { id: 5 } }
        }
        await vi.waitFor(() => expect(log).toContain('push photo.attach'))
        await dataFirst()
        log.push(`chunk of ${entry.meta.photoId}`)
        return { status: 200, data: { id: 6 } }
      },
    })
    await outbox.enqueue(upload(1, 'p1'))
    await outbox.enqueue(link(1, 'p1'))
    await outbox.enqueue(upload(1, 'p2'))
    const running = outbox.run()
    await vi.waitFor(() => expect(log).toContain('chunk of p2'))
    expect(photoDone).toBe(true)
    expect(log).toEqual(['push photo.attach', 'chunk of p2']) // the chunk went while the link's push waited
    answerPush()
    await running
  })

  it('a failing upload backs off in its own lane; operations keep flowing', async () => {
    const { outbox, pushes, uploaded, db, time } = await setup({ uploads: async () => ({ status: 503, data: null }) })
    await outbox.enqueue(upload(1, 'p1'))
    await outbox.enqueue(link(1, 'p1'))
    await outbox.enqueue(op(1, 'item_result.set', { target: { item_id: 5 } }))
    await outbox.run()
    await outbox.enqueue(op(2, 'instruction.start'))
    await outbox.run()
    expect(uploaded).toEqual(['photo p1'])
    expect(pushes).toEqual([['1 item_result.set'], ['2 instruction.start']])
    expect((await listOutbox(db)).map((e) => [e.label, e.attempts])).toEqual([
      ['photo p1', 1],
      ['1 photo.attach', 0],
    ])
    expect(time.pending()).toEqual([750])
  })

  it('a photo link goes once its upload is complete, carrying the server photo id', async () => {
    const { outbox, pushes, batches, db } = await setup()
    await outbox.enqueue(upload(1, 'p1'))
    await outbox.enqueue(link(1, 'p1'))
    await outbox.run()
    await outbox.run()
    expect(pushes).toEqual([['1 photo.attach']])
    expect(batches[0][0].meta).toEqual({ photoId: 'p1', serverPhotoId: 900 })
    expect(await listOutbox(db)).toEqual([])
  })

  it('holds completion behind an undeclared photo link, but not behind a declared one', async () => {
    let release
    const inFlight = new Promise((resolve) => (release = resolve))
    const { outbox, pushes } = await setup({ uploads: async () => (await inFlight, { status: 200, data: { id: 902 } }) })
    // Instruction 1: photo declared first (the server then takes its link after completion).
    await outbox.enqueue(op(1, 'photo.declare', { body: { sha256: 'sha-p1' }, meta: { photoId: 'p1' } }))
    await outbox.enqueue(upload(1, 'p1'))
    await outbox.enqueue(link(1, 'p1'))
    await outbox.enqueue(op(1, 'instruction.complete'))
    // Instruction 2: an undeclared photo — its completion waits for the link.
    await outbox.enqueue(upload(2, 'p2'))
    await outbox.enqueue(link(2, 'p2'))
    await outbox.enqueue(op(2, 'conclusion.set'))
    await outbox.enqueue(op(2, 'instruction.complete'))
    const running = outbox.run()
    await vi.waitFor(() => expect(pushes).toHaveLength(1), { timeout: 5000 })
    expect(pushes).toEqual([['1 photo.declare', '1 instruction.complete', '2 conclusion.set']])
    release()
    await running
    for (let n = 0; n < 3; n += 1) await outbox.run()
    expect(pushes.slice(1).flat()).toEqual(['1 photo.attach', '2 photo.attach', '2 instruction.complete'])
  })

  it('pausing photo upload holds the photo lane only', async () => {
    let paused = true
    const { outbox, pushes, uploaded, db } = await setup({ paused: () => paused })
    await outbox.enqueue(upload(1, 'p1'))
    await outbox.enqueue(link(1, 'p1'))
    await outbox.enqueue(op(1, 'conclusion.set'))
    await outbox.run()
    expect(uploaded).toEqual([])
    expect(pushes).toEqual([['1 conclusion.set']])
    expect((await listOutbox(db)).map((e) => e.label)).toEqual(['photo p1', '1 photo.attach'])
    paused = false
    await outbox.run()
    await outbox.run()
    expect(uploaded).toEqual(['photo p1'])
    expect(await listOutbox(db)).toEqual([])
  })

  it('at start, gives entries written without a lane (an older page, a direct write) their lane', async () => {
    const { db, outbox, pushes, sent } = await setup()
    await db.add('outbox', { id: 'raw-1', kind: null, method: 'GET', url: '/healthz', label: 'raw rest', recordId: null, state: 'waiting', attempts: 0, nextAttemptAt: 0 })
    await db.add('outbox', { id: 'raw-2', ...op(5, 'instruction.start'), state: 'waiting', attempts: 0, nextAttemptAt: 0 })
    await outbox.start()
    expect(pushes).toEqual([['5 instruction.start']])
    expect(sent.map(([label]) => label).sort()).toEqual(['5 instruction.start', 'raw rest'])
    expect(await listOutbox(db)).toEqual([])
  })
})

/** Uploads held until the test lets each go: `answer(photoId, response)` resolves that upload. */
function heldUploads() {
  const waiting = new Map()
  const started = []
  const uploads = (entry) =>
    new Promise((resolve) => {
      started.push(entry.meta.photoId)
      waiting.set(entry.meta.photoId, resolve)
    })
  const answer = (photoId, response = { status: 200, data: { id: 900 } }) => {
    waiting.get(photoId)(response)
    waiting.delete(photoId)
  }
  return { uploads, answer, started, inFlight: () => [...waiting.keys()] }
}

describe('photo lane: two uploads at once', () => {
  it('two uploads travel at once and a third waits for one of them to end', async () => {
    const held = heldUploads()
    const { outbox, db } = await setup({ uploads: held.uploads })
    for (const id of ['p1', 'p2', 'p3']) await outbox.enqueue(upload(1, id))
    const running = outbox.run()
    await vi.waitFor(() => expect(held.started).toEqual(['p1', 'p2']))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(held.started).toEqual(['p1', 'p2']) // the third waits
    expect((await listOutbox(db)).map((e) => [e.label, e.state])).toEqual([
      ['photo p1', 'sending'],
      ['photo p2', 'sending'],
      ['photo p3', 'waiting'],
    ])
    held.answer('p2')
    await vi.waitFor(() => expect(held.started).toEqual(['p1', 'p2', 'p3']))
    expect(held.inFlight()).toEqual(['p1', 'p3'])
    held.answer('p1')
    held.answer('p3')
    await running
    expect(await listOutbox(db)).toEqual([])
  })

  it('never gives one upload to both runners, however their reads interleave', async () => {
    const db = await freshDb()
    const time = fakeTime()
    const sends = []
    const outbox = createOutbox({
      db,
      ...time,
      send: async (entry) => {
        sends.push(entry.meta.photoId)
        // Each upload lets the other runner read the lane while it is on its way.
        for (let tick = 0; tick < 3; tick += 1) await new Promise((resolve) => setTimeout(resolve, 0))
        return { status: 200, data: { id: entry.seq } }
      },
    })
    const ids = Array.from({ length: 9 }, (_, n) => `p${n + 1}`)
    for (const id of ids) await outbox.enqueue(upload(1, id))
    // Both runners start from the same read of the lane, and more calls to run come meanwhile.
    await Promise.all([outbox.run(), outbox.run(), outbox.runLane('photo'), outbox.retryNow()])
    await outbox.run()
    expect(sends.sort()).toEqual([...ids].sort())
    expect(await listOutbox(db)).toEqual([])
  })

  it('pausing holds both uploads on their way, and neither starts another', async () => {
    let paused = false
    const chunks = []
    let releaseChunks
    const gate = new Promise((resolve) => (releaseChunks = resolve))
    const db = await freshDb()
    const time = fakeTime()
    const outbox = createOutbox({
      db,
      ...time,
      photosPaused: () => paused,
      send: async (entry) => {
        chunks.push(`${entry.meta.photoId} chunk 1`)
        await gate
        if (paused) throw new PausedError()
        chunks.push(`${entry.meta.photoId} chunk 2`)
        return { status: 200, data: { id: 1 } }
      },
    })
    for (const id of ['p1', 'p2', 'p3']) await outbox.enqueue(upload(1, id))
    const running = outbox.run()
    await vi.waitFor(() => expect(chunks).toEqual(['p1 chunk 1', 'p2 chunk 1']))
    paused = true
    releaseChunks()
    await running
    expect(chunks).toEqual(['p1 chunk 1', 'p2 chunk 1'])
    expect((await listOutbox(db)).map((e) => [e.label, e.state])).toEqual([
      ['photo p1', 'waiting'],
      ['photo p2', 'waiting'],
      ['photo p3', 'waiting'],
    ])
    expect(time.pending()).toEqual([]) // paused: nothing is scheduled, resuming starts the lane
    paused = false
    await outbox.run()
    expect(await listOutbox(db)).toEqual([])
  })

  it('a failing upload backs off while the other goes on; the lane waits for its retry', async () => {
    const held = heldUploads()
    const { outbox, db, time, sent } = await setup({ uploads: held.uploads })
    for (const id of ['p1', 'p2', 'p3']) await outbox.enqueue(upload(1, id))
    const running = outbox.run()
    await vi.waitFor(() => expect(held.inFlight()).toEqual(['p1', 'p2']))
    held.answer('p1', { status: 503, data: null })
    await vi.waitFor(async () => expect((await listOutbox(db)).find((e) => e.label === 'photo p1').attempts).toBe(1))
    expect(held.inFlight()).toEqual(['p2']) // p2 goes on
    held.answer('p2')
    await running
    expect(sent.map(([label]) => label)).toEqual(['photo p2'])
    // p1's backoff holds the lane's new uploads (first in first out), and its retry is scheduled.
    expect(held.started).toEqual(['p1', 'p2'])
    expect((await listOutbox(db)).map((e) => [e.label, e.attempts, e.state])).toEqual([
      ['photo p1', 1, 'waiting'],
      ['photo p3', 0, 'waiting'],
    ])
    expect(time.pending()).toEqual([750])
    const retried = time.advance(750)
    await vi.waitFor(() => expect(held.inFlight()).toEqual(['p1', 'p3']))
    held.answer('p1')
    held.answer('p3')
    await retried
    await outbox.run()
    expect(await listOutbox(db)).toEqual([])
  })

  it('each upload waits for a push carrying findings, and reports its own progress', async () => {
    const db = await freshDb()
    const time = fakeTime()
    const log = []
    const { sendBatch, answerPush } = heldPush(log)
    const outbox = createOutbox({
      db,
      ...time,
      sendBatch,
      send: async (entry, { dataFirst, progress }) => {
        await dataFirst()
        log.push(`chunk of ${entry.meta.photoId}`)
        progress(entry.meta.photoId === 'p1' ? 0.25 : 0.75)
        return { status: 200, data: { id: entry.seq } }
      },
    })
    const progress = []
    outbox.on('progress', ({ seq, progress: value }) => progress.push([seq, value]))
    await outbox.enqueue(op(1, 'conclusion.set'))
    const p1 = await outbox.enqueue(upload(1, 'p1'))
    const p2 = await outbox.enqueue(upload(1, 'p2'))
    const running = outbox.run()
    await vi.waitFor(() => expect(log).toContain('push sent'))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(log).toEqual(['push sent']) // neither upload's chunk went past the push
    answerPush()
    await running
    expect(log.slice(0, 2)).toEqual(['push sent', 'push answered'])
    expect(log.slice(2).sort()).toEqual(['chunk of p1', 'chunk of p2'])
    expect(progress.sort()).toEqual([
      [p1.seq, 0.25],
      [p2.seq, 0.75],
    ])
  })

  it('one upload at a time when so set', async () => {
    const held = heldUploads()
    const db = await freshDb()
    const outbox = createOutbox({ db, ...fakeTime(), photoUploadsAtOnce: 1, send: (entry) => held.uploads(entry) })
    for (const id of ['p1', 'p2']) await outbox.enqueue(upload(1, id))
    const running = outbox.run()
    await vi.waitFor(() => expect(held.started).toEqual(['p1']))
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(held.started).toEqual(['p1'])
    held.answer('p1')
    await vi.waitFor(() => expect(held.started).toEqual(['p1', 'p2']))
    held.answer('p2')
    await running
  })

  it("after a reload, both uploads that were on their way go again", async () => {
    const db = await freshDb()
    const first = createOutbox({ db, ...fakeTime(), send: () => new Promise(() => {}) }) // the page goes away mid-upload
    for (const id of ['p1', 'p2', 'p3']) await first.enqueue(upload(1, id))
    first.run()
    await vi.waitFor(async () => expect((await listOutbox(db)).filter((e) => e.state === 'sending')).toHaveLength(2))
    first.stop()
    const sends = []
    const second = createOutbox({ db, ...fakeTime(), send: async (entry) => (sends.push(entry.meta.photoId), { status: 200, data: { id: 1 } }) })
    await second.start()
    expect(sends.sort()).toEqual(['p1', 'p2', 'p3'])
    expect(await listOutbox(db)).toEqual([])
  })
})

describe('per-instruction summary', () => {
  it('counts records, photos (sent and not), links and conflicts of one instruction', async () => {
    const { summarizeRecord } = await import('../src/sync/summary.js')
    const entries = [
      { seq: 1, kind: 'op', body: { type: 'conclusion.set' }, state: 'conflict', attempts: 1 },
      { seq: 2, kind: 'op', body: { type: 'signature.set' }, state: 'waiting', attempts: 0, nextAttemptAt: 0 },
      { seq: 3, kind: 'upload', state: 'sending', attempts: 2, progress: 0.25 },
      { seq: 4, kind: 'op', body: { type: 'photo.attach' }, state: 'waiting', attempts: 0, nextAttemptAt: 0 },
      { seq: 5, kind: 'upload', state: 'conflict', attempts: 1 },
    ]
    expect(summarizeRecord('instruction:3', entries, { photosTotal: 6, title: 'N-3' })).toMatchObject({
      title: 'N-3',
      total: 5,
      records: 2,
      uploads: 2,
      links: 1,
      conflicts: 2,
      opConflicts: 1,
      sending: 1,
      attempts: 2,
      photosTotal: 6,
      photosSent: 4,
      progress: { seq: 3, progress: 0.25 },
    })
  })
})
