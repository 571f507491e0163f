// Files from the API (PDF, XML, CSV, XLSX) fetched with the session's bearer token and either handed
// back as a Blob or saved under a file name. The API client reads bodies as JSON or text, which would
// spoil binary bytes, hence a fetch of its own. No DOM beyond the <a download> of saveBlob.
import { api } from '../../app/api.js'
import { tokenStore } from '../../app/tokens.js'
import { toApiError } from '../../api/client.js'

/**
 * The file at `path` as a Blob (one token refresh on 401). `body` (an object) makes it a JSON POST;
 * `onResponse(response)` sees the answer's headers; a refusal throws the API's error.
 *
 * A large export answers 202 with a job (the server writes the file in the background): the job is
 * followed every `pollMs` — `onProgress(fraction, job)` sees each step, for a progress bar — and its
 * file is fetched once written. Callers that pass no `onProgress` simply wait a little longer.
 */
export async function fetchBlob(path, { accept = '*/*', body, onResponse, onProgress, pollMs = 1000, sleep = (ms) => new Promise((resolve) => globalThis.setTimeout(resolve, ms)), fetchImpl = (...args) => globalThis.fetch(...args), tokens = tokenStore, refresh = () => api.refresh() } = {}) {
  const attempt = async (url, jsonBody) => {
    const pair = await tokens.get()
    const headers = { Accept: accept, ...(pair?.access_token ? { Authorization: `Bearer ${pair.access_token}` } : {}) }
    if (jsonBody === undefined) return fetchImpl(url, { headers, credentials: 'same-origin' })
    return fetchImpl(url, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body: JSON.stringify(jsonBody), credentials: 'same-origin' })
  }
  const send = async (url, jsonBody) => {
    let response = await attempt(url, jsonBody)
    if (response.status === 401 && (await refresh())) response = await attempt(url, jsonBody)
    if (!response.ok) {
      let data = null
      try {
        data = await response.json()
      } catch {
        data = null
      }
      throw toApiError(response.status, data)
    }
    return response
  }
  let response = await send(path, body)
  if (response.status === 202) {
    let job = await response.json()
    onProgress?.(job.progress ?? 0, job)
    while (job.status !== 'done') {
      if (job.status === 'failed') throw toApiError(409, { error: 'export.failed', message: job.error })
      await sleep(pollMs)
      job = await (await send(job.status_url)).json()
      onProgress?.(job.progress ?? 0, job)
    }
    response = await send(job.file_url)
  }
  onResponse?.(response)
  return response.blob()
}

/** Save a Blob as `filename` through a temporary <a download> (its URL released after a minute). */
export function saveBlob(blob, filename, { win = globalThis.window } = {}) {
  const url = win.URL.createObjectURL(blob)
  const link = win.document.createElement('a')
  link.href = url
  link.download = filename
  link.rel = 'noopener'
  win.document.body.appendChild(link)
  link.click()
  link.remove()
  win.setTimeout(() => win.URL.revokeObjectURL(url), 60_000)
}

/** Fetch the file at `path` and save it as `filename`. */
export async function downloadFile(path, filename, options = {}) {
  saveBlob(await fetchBlob(path, options), filename, options)
}

/** `?a=1&b=x` of the values that are set (arrays repeat their key), or '' when none is. */
export function queryString(values) {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(values ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one !== undefined && one !== null && one !== '') params.append(key, String(one))
    }
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}
