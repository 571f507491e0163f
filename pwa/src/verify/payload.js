// The compact payload a certificate's QR code carries (backend/certificates/sealing.py):
//   C1.<certificate_no>.<key_id>.<content sha256, base64url>.<Ed25519 signature, base64url>
// inside the verification URL `…/verify/<no>?s=<payload>`, or bare. The signature covers the
// canonical JSON of the *seal statement* built from the other four parts.

export const PAYLOAD_PREFIX = 'C1'
const CERTIFICATE_NO = /^[0-9A-Z]{1,20}$/
const KEY_ID = /^[0-9]{4}-[0-9]{6}-[0-9a-f]{6}$/
const B64URL = /^[A-Za-z0-9_-]+$/

/** A text that is not a certificate payload; `reason` says which part is wrong. */
export class PayloadError extends Error {
  constructor(reason) {
    super(`invalid certificate payload: ${reason}`)
    this.name = 'PayloadError'
    this.reason = reason // 'empty' | 'no_payload' | 'format' | 'prefix' | 'certificate_no' | 'key_id' | 'digest' | 'signature'
  }
}

/** The payload part of a scanned text: the `s` parameter of a verification URL, or the text itself. */
export function extractPayload(text) {
  const trimmed = (text ?? '').trim()
  if (!trimmed) throw new PayloadError('empty')
  if (trimmed.startsWith(`${PAYLOAD_PREFIX}.`)) return trimmed
  let url
  try {
    url = new URL(trimmed)
  } catch {
    throw new PayloadError('no_payload')
  }
  const value = url.searchParams.get('s')
  if (!value) throw new PayloadError('no_payload')
  return value.trim()
}

/** Parse a scanned text into { certificateNo, keyId, digest, signature, payload }; throws PayloadError. */
export function parsePayload(text) {
  const payload = extractPayload(text)
  const parts = payload.split('.')
  if (parts.length !== 5) throw new PayloadError('format')
  const [prefix, certificateNo, keyId, digest, signature] = parts
  if (prefix !== PAYLOAD_PREFIX) throw new PayloadError('prefix')
  if (!CERTIFICATE_NO.test(certificateNo)) throw new PayloadError('certificate_no')
  if (!KEY_ID.test(keyId)) throw new PayloadError('key_id')
  // 32-byte SHA-256 → 43 characters, 64-byte Ed25519 signature → 86 characters.
  if (digest.length !== 43 || !B64URL.test(digest)) throw new PayloadError('digest')
  if (signature.length !== 86 || !B64URL.test(signature)) throw new PayloadError('signature')
  return { certificateNo, keyId, digest, signature, payload }
}

/**
 * The exact bytes the district key signed: canonical JSON (sorted keys, no spaces, UTF-8) of
 * {"alg","certificate_no","content_sha256","key_id","v"} — the same as sealing.seal_statement().
 */
export function sealStatement({ certificateNo, digest, keyId }) {
  const json =
    `{"alg":"Ed25519","certificate_no":${JSON.stringify(certificateNo)},` +
    `"content_sha256":${JSON.stringify(digest)},"key_id":${JSON.stringify(keyId)},"v":1}`
  return new TextEncoder().encode(json)
}
