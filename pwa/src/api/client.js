// The fetch wrapper every screen uses: bearer token, one refresh on 401, the server's error
// shape turned into an ApiError, Accept-Language from the chosen locale. No DOM, no Vue.
import { AuthRequiredError, OfflineError } from '../sync/errors.js'

/** An HTTP answer outside 2xx, in the server's one error shape. */
export class ApiError extends Error {
  constructor({ status, code, message, errors = {}, body = null }) {
    super(message || code || `HTTP ${status}`)
    this.name = 'ApiError'
    this.status = status // HTTP status, e.g. 409
    this.code = code // the stable error code, e.g. "declaration.invalid_transition"
    this.errors = errors ?? {} // field → [messages]
    this.body = body
  }
}

async function readBody(response) {
  if (response.status === 204) return null
  const type = response.headers.get('content-type') || ''
  if (type.includes('application/json')) {
    try {
      return await response.json()
    } catch {
      return null
    }
  }
  const text = await response.text()
  return text || null
}

export function toApiError(status, body) {
  if (body && typeof body === 'object' && 'error' in body) {
    return new ApiError({ status, code: body.error, message: body.message, errors: body.errors, body })
  }
  return new ApiError({ status, code: `http.${status}`, message: typeof body === 'string' ? body : '', body })
}

/**
 * Create an API client.
 *
 * `tokens`: { get() → {access_token, refresh_token} | null, save(pair), clear() } (async allowed).
 * `getLocale()`: the UI language ("zh-CN" or "en"). `onAuthLost()`: called when refreshing fails.
 */
export function createApiClient({
  baseUrl = '',
  fetchImpl = (...args) => globalThis.fetch(...args),
  xhrImpl = () => (typeof XMLHttpRequest === 'undefined' ? null : new XMLHttpRequest()),
  tokens,
  getLocale = () => 'zh-CN',
  onAuthLost = () => {},
  now = () => Date.now(),
  refreshAheadMs = 30_000,
}) {
  let refreshing = null

  function headersFor({ json, access, extra }) {
    const headers = { Accept: 'application/json', 'Accept-Language': getLocale() === 'en' ? 'en' : 'zh-CN,zh;q=0.9', ...extra }
    if (json) headers['Content-Type'] = 'application/json'
    if (access) headers.Authorization = `Bearer ${access}`
    return headers
  }

  /** XMLHttpRequest, for its upload progress (fetch reports none while the body goes out). */
  function rawXhr(xhr, method, path, { body, json, access, headers: extra, signal, onUploadProgress }) {
    return new Promise((resolve, reject) => {
      xhr.open(method, baseUrl + path)
      for (const [name, value] of Object.entries(headersFor({ json, access, extra }))) xhr.setRequestHeader(name, value)
      xhr.upload.onprogress = (event) => onUploadProgress(event.loaded, event.lengthComputable ? event.total : null)
      xhr.onload = () => {
        const type = xhr.getResponseHeader('content-type') || ''
        let data = xhr.status === 204 ? null : xhr.responseText || null
        if (data && type.includes('application/json')) {
          try {
            data = JSON.parse(data)
          } catch {
            data = null
          }
        }
        resolve({ status: xhr.status, data })
      }
      xhr.onerror = () => reject(new OfflineError('network error'))
      xhr.ontimeout = () => reject(new OfflineError('timeout'))
      xhr.onabort = () => reject(new DOMException('aborted', 'AbortError'))
      if (signal) signal.addEventListener('abort', () => xhr.abort(), { once: true })
      xhr.send(json ? JSON.stringify(body) : body ?? null)
    })
  }

  async function rawFetch(method, path, { body, access, headers: extra, signal, onUploadProgress }) {
    const json = body !== undefined && body !== null && !(body instanceof Blob) && !(body instanceof FormData)
    const xhr = onUploadProgress ? xhrImpl() : null
    if (xhr) return rawXhr(xhr, method, path, { body, json, access, headers: extra, signal, onUploadProgress })
    try {
      const response = await fetchImpl(baseUrl + path, {
        method,
        headers: headersFor({ json, access, extra }),
        body: json ? JSON.stringify(body) : body ?? undefined,
        signal,
        credentials: 'same-origin',
      })
      return { status: response.status, data: await readBody(response) }
    } catch (error) {
      if (error?.name === 'AbortError') throw error
      // A failed fetch means no answer: offline or server down (navigator.onLine cannot tell).
      throw new OfflineError(error?.message || 'network error', { cause: error })
    }
  }

  /** Trade the refresh token for a new pair, once for all callers waiting on a 401. */
  function refresh() {
    if (!refreshing) {
      refreshing = (async () => {
        const current = await tokens.get()
        if (!current?.refresh_token) return false
        const { status, data } = await rawFetch('POST', '/api/v1/auth/refresh', { body: { refresh_token: current.refresh_token } })
        if (status >= 200 && status < 300 && data?.access_token) {
          await tokens.save(data)
          return true
        }
        if (status === 401 || status === 400 || status === 422) {
          await tokens.clear()
          onAuthLost()
          return false
        }
        // The server could not refresh right now (5xx, 429…): not a sign-out, try again later.
        throw new OfflineError(`token refresh unavailable (HTTP ${status})`)
      })().finally(() => {
        refreshing = null
      })
    }
    return refreshing
  }

  /**
   * One request, returning `{ status, data }` for every HTTP answer (the outbox decides what a
   * status means). Throws OfflineError without an answer, AuthRequiredError when signed out.
   *
   * A token about to expire (`expiresAt` kept with the pair) is refreshed before the request, so
   * no body goes out with a dead token. On a 401 the token is refreshed once and the request
   * repeated — unless `resendAfterRefresh: false` (a photo chunk): then the answer is
   * `{ status: 401, refreshed: true }` and the caller asks the server where to go on, instead of
   * sending bytes the server may already hold. `onUploadProgress(loaded, total)` reports the
   * body's bytes as they leave (XMLHttpRequest).
   */
  async function send(method, path, { body, auth = true, headers, signal, onUploadProgress, resendAfterRefresh = true } = {}) {
    let pair = auth ? await tokens.get() : null
    if (auth && !pair?.access_token) throw new AuthRequiredError()
    if (auth && pair.expiresAt && pair.expiresAt - now() < refreshAheadMs) {
      if (!(await refresh())) throw new AuthRequiredError()
      pair = await tokens.get()
    }
    let result = await rawFetch(method, path, { body, access: pair?.access_token, headers, signal, onUploadProgress })
    if (auth && result.status === 401) {
      if (!(await refresh())) throw new AuthRequiredError()
      if (!resendAfterRefresh) return { ...result, refreshed: true }
      const renewed = await tokens.get()
      result = await rawFetch(method, path, { body, access: renewed?.access_token, headers, signal, onUploadProgress })
      if (result.status === 401) {
        await tokens.clear()
        onAuthLost()
        throw new AuthRequiredError()
      }
    }
    return result
  }

  /** A request whose non-2xx answer becomes an ApiError; resolves to the parsed body. */
  async function request(method, path, options = {}) {
    const { status, data } = await send(method, path, options)
    if (status < 200 || status >= 300) throw toApiError(status, data)
    return data
  }

  return {
    send,
    request,
    refresh,
    get: (path, options) => request('GET', path, options),
    post: (path, body, options = {}) => request('POST', path, { ...options, body }),
    put: (path, body, options = {}) => request('PUT', path, { ...options, body }),
    patch: (path, body, options = {}) => request('PATCH', path, { ...options, body }),
    delete: (path, options) => request('DELETE', path, options),
  }
}

/** True when the server has no such API path yet (another team is still building it). */
export function isEndpointMissing(error) {
  return error instanceof ApiError && error.status === 404 && error.code === 'request.not_found'
}
