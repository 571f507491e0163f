// base64url without padding (RFC 4648 §5), as the server writes keys, digests and signatures.

const ALPHABET = /^[A-Za-z0-9_-]*$/

/** Bytes → base64url text without '=' padding. */
export function encodeBase64url(bytes) {
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** base64url text (padding optional) → Uint8Array; throws TypeError on anything else. */
export function decodeBase64url(text) {
  if (typeof text !== 'string' || !ALPHABET.test(text) || text.length % 4 === 1) {
    throw new TypeError('not base64url')
  }
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4)
  const binary = atob(padded)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i)
  return bytes
}
