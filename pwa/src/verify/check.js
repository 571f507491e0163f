// One verification, start to finish, without DOM: parse → seal check with the cached keys →
// (online) the certificate's status from the public verification API.
import { PayloadError, parsePayload } from './payload.js'
import { verifySeal } from './seal.js'

export const VERIFY_API = '/api/v1/verify/'

/** The server's answer for this certificate, or { offline: true } / { missing: true } / { failed: status }. */
export async function fetchStatus(parsed, { fetchImpl = (...args) => globalThis.fetch(...args), language = 'zh-CN' } = {}) {
  const url = `${VERIFY_API}${encodeURIComponent(parsed.certificateNo)}?s=${encodeURIComponent(parsed.payload)}`
  let response
  try {
    response = await fetchImpl(url, { headers: { Accept: 'application/json', 'Accept-Language': language }, cache: 'no-store' })
  } catch {
    return { offline: true }
  }
  if (response.status === 404) return { missing: true }
  if (!response.ok) return { failed: response.status }
  return { record: await response.json() }
}

/**
 * Verify a scanned or pasted text. Resolves to
 * { error: reason } for text that is no payload, else
 * { parsed, seal: 'valid'|'invalid'|'unknown_key', key, server: {record}|{offline}|{missing}|{failed} }.
 */
export async function checkCertificate(text, { keys, subtle, fetchImpl, language } = {}) {
  let parsed
  try {
    parsed = parsePayload(text)
  } catch (error) {
    if (error instanceof PayloadError) return { error: error.reason }
    throw error
  }
  const [{ result, key }, server] = await Promise.all([
    verifySeal(parsed, keys, subtle),
    fetchStatus(parsed, { fetchImpl, language }),
  ])
  return { parsed, seal: result, key, server }
}
