// SHA-256 of exactly the bytes that will be sent (WebCrypto), as lowercase hex: the evidence hash.
export async function sha256Hex(blob) {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', await blob.arrayBuffer())
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('')
}
