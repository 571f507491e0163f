// The API client and an expiring access token during photo uploads (issue 10): refresh before
// the token dies, and never resend a chunk blindly after a 401.
import { describe, expect, it, vi } from 'vitest'
import { createApiClient } from '../src/api/client.js'

const json = (status, body) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

function memoryTokens(pair) {
  let current = pair
  return { get: async () => current, save: vi.fn(async (p) => (current = p)), clear: vi.fn(async () => (current = null)) }
}

/** A fake XMLHttpRequest answering 200 after reporting the body's bytes in two steps. */
function fakeXhr(log) {
  return () => {
    const xhr = {
      upload: {},
      headers: {},
      open: (method, url) => Object.assign(xhr, { method, url }),
      setRequestHeader: (name, value) => (xhr.headers[name] = value),
      getResponseHeader: () => 'application/json',
      send(body) {
        log.push({ method: xhr.method, url: xhr.url, auth: xhr.headers.Authorization, size: body.size })
        xhr.upload.onprogress({ loaded: body.size / 2, total: body.size, lengthComputable: true })
        xhr.upload.onprogress({ loaded: body.size, total: body.size, lengthComputable: true })
        Object.assign(xhr, { status: 200, responseText: JSON.stringify({ offset: body.size }) })
        xhr.onload()
      },
    }
    return xhr
  }
}

describe('api client and expiring tokens', () => {
  it('refreshes a token about to expire before sending, so no body goes out with it', async () => {
    const clock = 1_000_000
    const tokens = memoryTokens({ access_token: 'old', refresh_token: 'r1', expiresAt: clock + 10_000 })
    const fetchImpl = vi.fn(async (url, init) => (url === '/api/v1/auth/refresh' ? json(200, { access_token: 'new', refresh_token: 'r2', expires_in: 900 }) : json(200, { auth: init.headers.Authorization })))
    const api = createApiClient({ fetchImpl, tokens, now: () => clock })
    expect((await api.send('GET', '/x')).data).toEqual({ auth: 'Bearer new' })
    expect(fetchImpl.mock.calls.map(([url]) => url)).toEqual(['/api/v1/auth/refresh', '/x'])
  })

  it('on a 401 with resendAfterRefresh: false, refreshes and hands the 401 back instead of resending', async () => {
    const tokens = memoryTokens({ access_token: 'old', refresh_token: 'r1' })
    const fetchImpl = vi.fn(async (url, init) => {
      if (url === '/api/v1/auth/refresh') return json(200, { access_token: 'new', refresh_token: 'r2' })
      return init.headers.Authorization === 'Bearer new' ? json(200, { ok: true }) : json(401, { error: 'auth.token_expired' })
    })
    const api = createApiClient({ fetchImpl, tokens })
    const answer = await api.send('PUT', '/api/v1/uploads/4?offset=0', { body: new Blob(['x']), resendAfterRefresh: false })
    expect(answer).toMatchObject({ status: 401, refreshed: true })
    expect(fetchImpl.mock.calls.map(([url]) => url)).toEqual(['/api/v1/uploads/4?offset=0', '/api/v1/auth/refresh'])
    expect((await tokens.get()).access_token).toBe('new')
  })

  it('sends a chunk through XMLHttpRequest to report its bytes as they leave', async () => {
    const log = []
    const api = createApiClient({ fetchImpl: vi.fn(), xhrImpl: fakeXhr(log), tokens: memoryTokens({ access_token: 'a', refresh_token: 'r' }) })
    const seen = []
    const answer = await api.send('PUT', '/api/v1/uploads/4?offset=0', { body: new Blob([new Uint8Array(1000)]), onUploadProgress: (loaded) => seen.push(loaded) })
    expect(answer).toEqual({ status: 200, data: { offset: 1000 } })
    expect(seen).toEqual([500, 1000])
    expect(log).toEqual([{ method: 'PUT', url: '/api/v1/uploads/4?offset=0', auth: 'Bearer a', size: 1000 }])
  })
})
