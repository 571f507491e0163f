// Checking a certificate's seal in the browser: Ed25519 (WebCrypto) over the seal statement,
// against the customs public keys published at /api/v1/certificates/keys. No network here.
import { decodeBase64url } from './base64url.js'
import { sealStatement } from './payload.js'

/** True when this browser's WebCrypto can verify Ed25519 (Chromium ≥ 137, Firefox ≥ 129, Safari ≥ 17). */
export async function ed25519Supported(subtle = globalThis.crypto?.subtle) {
  if (!subtle) return false
  try {
    await subtle.importKey('raw', new Uint8Array(32), { name: 'Ed25519' }, false, ['verify'])
    return true
  } catch (error) {
    // An all-zero key may be refused as a bad point (DataError) where Ed25519 itself works.
    return error?.name === 'DataError'
  }
}

/**
 * Verify a parsed payload against `keys` ([{ key_id, public_key (raw, base64url), status, … }]).
 * Resolves to { result: 'valid' | 'invalid' | 'unknown_key', key } — never throws for bad input.
 */
export async function verifySeal(parsed, keys, subtle = globalThis.crypto?.subtle) {
  const key = (keys ?? []).find((entry) => entry.key_id === parsed.keyId) ?? null
  if (!key) return { result: 'unknown_key', key: null }
  try {
    const publicKey = await subtle.importKey('raw', decodeBase64url(key.public_key), { name: 'Ed25519' }, false, ['verify'])
    const ok = await subtle.verify({ name: 'Ed25519' }, publicKey, decodeBase64url(parsed.signature), sealStatement(parsed))
    return { result: ok ? 'valid' : 'invalid', key }
  } catch (error) {
    if (error?.name === 'NotSupportedError') throw error // the browser lacks Ed25519: say so, not "invalid"
    return { result: 'invalid', key }
  }
}
