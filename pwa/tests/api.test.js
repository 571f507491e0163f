import { describe, expect, it, vi } from 'vitest'
import { ApiError, createApiClient, isEndpointMissing } from '../src/api/client.js'
import { AuthRequiredError, OfflineError } from '../src/sync/errors.js'

const json = (status, body) =>
  new Response(body === null ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } })

function memoryTokens(pair = { access_token: 'old', refresh_token: 'r1' }) {
  let current = pair
  return {
    get: async () => current,
    save: vi.fn(async (p) => {
      current = p
    }),
    clear: vi.fn(async () => {
      current = null
    }),
  }
}

describe('api client', () => {
  it('sends the bearer token and the chosen language', async () => {
    const fetchImpl = vi.fn(async () => json(200, { id: 1 }))
    const api = createApiClient({ fetchImpl, tokens: memoryTokens(), getLocale: () => 'en' })
    expect(await api.get('/api/v1/auth/me')).toEqual({ id: 1 })
    const [, init] = fetchImpl.mock.calls[0]
    expect(init.headers.Authorization).toBe('Bearer old')
    expect(init.headers['Accept-Language']).toBe('en')
  })

  it('turns the server error shape into an ApiError with code, message and field errors', async () => {
    const body = { code: 422, status: 'Unprocessable Entity', error: 'request.invalid', message: '请求数据有误', errors: { username: ['必填'] } }
    const api = createApiClient({ fetchImpl: async () => json(422, body), tokens: memoryTokens() })
    const error = await api.post('/x', {}).catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 422, code: 'request.invalid', message: '请求数据有误', errors: { username: ['必填'] } })
  })

  it('refreshes once on a 401 and repeats the request with the new token', async () => {
    const tokens = memoryTokens()
    const fetchImpl = vi.fn(async (url, init) => {
      if (url === '/api/v1/auth/refresh') return json(200, { access_token: 'new', refresh_token: 'r2' })
      return init.headers.Authorization === 'Bearer new' ? json(200, { ok: true }) : json(401, { error: 'auth.token_expired', message: 'expired' })
    })
    const api = createApiClient({ fetchImpl, tokens })
    // Two requests hitting 401 together share one refresh.
    const results = await Promise.all([api.get('/a'), api.get('/b')])
    expect(results).toEqual([{ ok: true }, { ok: true }])
    expect(fetchImpl.mock.calls.filter(([url]) => url === '/api/v1/auth/refresh')).toHaveLength(1)
    expect(tokens.save).toHaveBeenCalledWith({ access_token: 'new', refresh_token: 'r2' })
  })

  it('signs out when the refresh token is refused, without looping', async () => {
    const tokens = memoryTokens()
    const onAuthLost = vi.fn()
    const fetchImpl = vi.fn(async () => json(401, { error: 'auth.invalid_token', message: 'no' }))
    const api = createApiClient({ fetchImpl, tokens, onAuthLost })
    await expect(api.get('/a')).rejects.toBeInstanceOf(AuthRequiredError)
    expect(fetchImpl).toHaveBeenCalledTimes(2) // the request and one refresh
    expect(tokens.clear).toHaveBeenCalled()
    expect(onAuthLost).toHaveBeenCalledOnce()
  })

  it('keeps the tokens when the refresh endpoint is briefly unavailable', async () => {
    const tokens = memoryTokens()
    const onAuthLost = vi.fn()
    const fetchImpl = vi.fn(async (url) => (url === '/api/v1/auth/refresh' ? json(503, { error: 'server.unavailable' }) : json(401, { error: 'auth.invalid_token' })))
    const api = createApiClient({ fetchImpl, tokens, onAuthLost })
    await expect(api.get('/a')).rejects.toBeInstanceOf(OfflineError) // the outbox retries later
    expect(tokens.clear).not.toHaveBeenCalled()
    expect(onAuthLost).not.toHaveBeenCalled()
  })

  it('reports a failed fetch as OfflineError, whatever navigator.onLine says', async () => {
    const api = createApiClient({ fetchImpl: async () => Promise.reject(new TypeError('Failed to fetch')), tokens: memoryTokens() })
    await expect(api.get('/a')).rejects.toBeInstanceOf(OfflineError)
  })

  it('needs no token for public calls and refuses private calls without one', async () => {
    const fetchImpl = vi.fn(async () => json(200, { access_token: 'a' }))
    const api = createApiClient({ fetchImpl, tokens: memoryTokens(null) })
    await api.post('/api/v1/auth/login', { username: 'u', password: 'p' }, { auth: false })
    expect(fetchImpl.mock.calls[0][1].headers.Authorization).toBeUndefined()
    expect(JSON.parse(fetchImpl.mock.calls[0][1].body)).toEqual({ username: 'u', password: 'p' })
    await expect(api.get('/private')).rejects.toBeInstanceOf(AuthRequiredError)
  })

  it('recognises an API path the server does not have yet', async () => {
    const api = createApiClient({ fetchImpl: async () => json(404, { error: 'request.not_found', message: 'No such resource.' }), tokens: memoryTokens() })
    const error = await api.get('/api/v1/instructions').catch((e) => e)
    expect(isEndpointMissing(error)).toBe(true)
    expect(isEndpointMissing(new ApiError({ status: 404, code: 'resource.not_found' }))).toBe(false)
  })
})
