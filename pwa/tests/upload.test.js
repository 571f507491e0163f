import { describe, expect, it } from 'vitest'
import { uploadPhoto } from '../src/sync/upload.js'
import { PausedError } from '../src/sync/errors.js'
import { sha256Hex } from '../src/sync/hash.js'
import { fitWithin } from '../src/components/inspector/imaging.js'

/** A scripted media API holding `received` bytes of one upload, recording every request. */
function fakeServer({ received = 0, uploadId = null } = {}) {
  const calls = []
  const state = { id: 41, received, size: 0, status: 'receiving', bytes: [] }
  const request = async (method, path, options = {}) => {
    calls.push([method, path])
    if (method === 'POST' && path === '/api/v1/uploads') {
      state.size = options.body.size
      return { status: 201, data: { id: state.id, offset: state.received, status: state.status } }
    }
    if (method === 'GET') return { status: 200, data: { id: state.id, offset: state.received, status: state.status } }
    if (method === 'PUT') {
      const offset = Number(new URL(path, 'http://x').searchParams.get('offset'))
      if (offset !== state.received) return { status: 409, data: { error: 'media.offset_mismatch', detail: { offset: state.received } } }
      state.received += options.body.size
      state.bytes.push([offset, options.body.size])
      return { status: 200, data: { id: state.id, offset: state.received, status: state.status } }
    }
    if (path.endsWith('/complete')) {
      state.status = 'completed'
      return { status: 200, data: { id: 7, sha256: 'abc' } }
    }
    throw new Error(`unexpected ${method} ${path}`)
  }
  return { calls, state, request, uploadId }
}

const photo = (meta = {}) => ({ id: 'photo-1', blob: new Blob([new Uint8Array(10_000)], { type: 'image/jpeg' }), meta: { sha256: 'a'.repeat(64), capturedAt: '2026-11-27T09:00:00Z', ...meta } })

describe('resumable photo upload', () => {
  it('starts, sends every chunk once in order and completes, reporting progress', async () => {
    const server = fakeServer()
    const seen = []
    const ids = []
    const answer = await uploadPhoto({ request: server.request, photo: photo(), deviceId: 'pwa-1', chunkBytes: 4096, onUploadId: (id) => ids.push(id), progress: (p) => seen.push(p) })
    expect(answer).toEqual({ status: 200, data: { id: 7, sha256: 'abc' } })
    expect(ids).toEqual([41])
    expect(server.state.bytes).toEqual([[0, 4096], [4096, 4096], [8192, 1808]])
    expect(seen.at(-1)).toBe(1)
  })

  it('asks the server for its offset after a break and goes on from there', async () => {
    const server = fakeServer({ received: 8192 })
    const answer = await uploadPhoto({ request: server.request, photo: photo({ uploadId: 41 }), deviceId: 'pwa-1', chunkBytes: 4096 })
    expect(answer.status).toBe(200)
    expect(server.calls[0]).toEqual(['GET', '/api/v1/uploads/41'])
    expect(server.calls.some(([method, path]) => method === 'POST' && path === '/api/v1/uploads')).toBe(false)
    expect(server.state.bytes).toEqual([[8192, 1808]])
  })

  it('follows the server when it holds a different offset than the device thought', async () => {
    const server = fakeServer()
    server.state.received = 0
    let first = true
    const request = async (method, path, options) => {
      if (method === 'PUT' && first) {
        first = false
        server.state.received = 4096 // a chunk whose answer was lost arrived after all
        server.state.bytes.push([0, 4096])
      }
      return server.request(method, path, options)
    }
    await uploadPhoto({ request, photo: photo(), deviceId: 'pwa-1', chunkBytes: 4096 })
    expect(server.state.bytes).toEqual([[0, 4096], [4096, 4096], [8192, 1808]])
  })

  it('hands a refusal back to the outbox unchanged', async () => {
    const request = async () => ({ status: 415, data: { error: 'media.unsupported_type' } })
    expect(await uploadPhoto({ request, photo: photo(), deviceId: 'pwa-1' })).toEqual({ status: 415, data: { error: 'media.unsupported_type' } })
  })
})

describe('photo evidence helpers', () => {
  it('hashes exactly the bytes (SHA-256, hex)', async () => {
    expect(await sha256Hex(new Blob(['abc']))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
  })

  it('scales the long side down to 1600 px and never up', () => {
    expect(fitWithin(4000, 3000)).toEqual({ width: 1600, height: 1200 })
    expect(fitWithin(1800, 2400)).toEqual({ width: 1200, height: 1600 })
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 })
  })
})

describe('upload progress and token expiry', () => {
  it('moves the bar while a chunk is on its way', async () => {
    const server = fakeServer()
    const request = async (method, path, options = {}) => {
      if (method === 'PUT') {
        options.onUploadProgress(1024) // the browser reports bytes leaving before the answer
        options.onUploadProgress(3072)
      }
      return server.request(method, path, options)
    }
    const seen = []
    await uploadPhoto({ request, photo: photo(), deviceId: 'pwa-1', chunkBytes: 10_000, progress: (p) => seen.push(p) })
    expect(seen).toEqual([0, 0.1024, 0.3072, 1, 1])
  })

  it('after a token refresh on a chunk, asks the server its offset and sends no stored byte again', async () => {
    const server = fakeServer()
    let puts = 0
    const request = async (method, path, options = {}) => {
      if (method === 'PUT') {
        puts += 1
        if (puts === 2) {
          // The token expired while this chunk travelled: a proxy in front answered 401 although
          // the server had stored the bytes. The client refreshed (resendAfterRefresh: false).
          expect(options.resendAfterRefresh).toBe(false)
          await server.request(method, path, options)
          server.calls.push(['401', path])
          return { status: 401, data: { error: 'auth.token_expired' }, refreshed: true }
        }
        if (puts === 3) {
          server.calls.push(['401', path]) // expired before the server stored anything
          return { status: 401, data: { error: 'auth.token_expired' }, refreshed: true }
        }
      }
      return server.request(method, path, options)
    }
    const answer = await uploadPhoto({ request, photo: photo(), deviceId: 'pwa-1', chunkBytes: 4096 })
    expect(answer.status).toBe(200)
    expect(server.state.bytes).toEqual([[0, 4096], [4096, 4096], [8192, 1808]]) // every byte stored once
    const after = server.calls.slice(server.calls.findIndex(([kind]) => kind === '401'))
    expect(after.map(([method, path]) => `${method} ${path}`)).toEqual([
      '401 /api/v1/uploads/41?offset=4096',
      'GET /api/v1/uploads/41', // where is the server? at 8192: the chunk is not sent again
      '401 /api/v1/uploads/41?offset=8192', // the next chunk met a dead token: nothing stored…
      'GET /api/v1/uploads/41', // …the server says so…
      'PUT /api/v1/uploads/41?offset=8192', // …and only then does it go again
      'POST /api/v1/uploads/41/complete',
    ])
  })

  it('stops between chunks when photo upload is paused', async () => {
    const server = fakeServer()
    let paused = false
    const request = async (method, path, options) => {
      const answer = await server.request(method, path, options)
      if (method === 'PUT') paused = true
      return answer
    }
    await expect(uploadPhoto({ request, photo: photo(), deviceId: 'pwa-1', chunkBytes: 4096, shouldStop: () => paused })).rejects.toThrow(PausedError)
    expect(server.state.bytes).toEqual([[0, 4096]])
  })
})
