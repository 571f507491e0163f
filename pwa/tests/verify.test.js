// Offline certificate verification: payload parsing, base64url, and the Ed25519 seal check against
// a vector produced once by the backend's sealing code (tests/fixtures/seal-vector.json).
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { decodeBase64url, encodeBase64url } from '../src/verify/base64url.js'
import { PayloadError, extractPayload, parsePayload, sealStatement } from '../src/verify/payload.js'
import { ed25519Supported, verifySeal } from '../src/verify/seal.js'
import { KEYS_CACHE_KEY, cachedKeys, loadKeys } from '../src/verify/keys.js'
import { kvGet } from '../src/db/index.js'
import { freshDb } from './helpers.js'

const VECTOR = JSON.parse(readFileSync(new URL('./fixtures/seal-vector.json', import.meta.url), 'utf8'))

describe('base64url', () => {
  it('round-trips bytes without padding, using - and _', () => {
    const bytes = new Uint8Array([0xfb, 0xff, 0xbf, 0x00, 0x01])
    expect(encodeBase64url(bytes)).toBe('-_-_AAE')
    expect([...decodeBase64url('-_-_AAE')]).toEqual([...bytes])
    for (let n = 0; n < 70; n += 1) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff)
      const text = encodeBase64url(data)
      expect(text).not.toMatch(/[=+/]/)
      expect([...decodeBase64url(text)]).toEqual([...data])
    }
  })

  it('decodes the vector key and signature to 32 and 64 bytes', () => {
    expect(decodeBase64url(VECTOR.key.public_key)).toHaveLength(32)
    expect(decodeBase64url(VECTOR.signature)).toHaveLength(64)
    expect(decodeBase64url(VECTOR.digest)).toHaveLength(32)
  })

  it('refuses standard base64 and impossible lengths', () => {
    expect(() => decodeBase64url('ab+/')).toThrow(TypeError)
    expect(() => decodeBase64url('abcde')).toThrow(TypeError)
    expect(() => decodeBase64url('ab=')).toThrow(TypeError)
  })
})

describe('payload', () => {
  it('parses the bare payload into its parts', () => {
    expect(parsePayload(VECTOR.payload)).toEqual({
      certificateNo: VECTOR.certificate_no,
      keyId: VECTOR.key.key_id,
      digest: VECTOR.digest,
      signature: VECTOR.signature,
      payload: VECTOR.payload,
    })
  })

  it('finds the payload in the QR code’s verification URL, and tolerates whitespace', () => {
    expect(extractPayload(VECTOR.qr_text)).toBe(VECTOR.payload)
    expect(parsePayload(`  ${VECTOR.qr_text}\n`).certificateNo).toBe(VECTOR.certificate_no)
  })

  it('names what is wrong', () => {
    const reason = (text) => {
      try {
        parsePayload(text)
      } catch (error) {
        expect(error).toBeInstanceOf(PayloadError)
        return error.reason
      }
      return null
    }
    const [, no, key, digest, sig] = VECTOR.payload.split('.')
    expect(reason('')).toBe('empty')
    expect(reason('hello')).toBe('no_payload')
    expect(reason('https://example.org/verify/1')).toBe('no_payload')
    expect(reason('C1.a.b')).toBe('format')
    expect(reason(['C2', no, key, digest, sig].join('.'))).toBe('no_payload')
    expect(reason(`https://x.test/v?s=${['C2', no, key, digest, sig].join('.')}`)).toBe('prefix')
    expect(reason(['C1', 'abc', key, digest, sig].join('.'))).toBe('certificate_no')
    expect(reason(['C1', no, '5300-1-x', digest, sig].join('.'))).toBe('key_id')
    expect(reason(['C1', no, key, digest.slice(1), sig].join('.'))).toBe('digest')
    expect(reason(['C1', no, key, digest, `${sig.slice(1)}+`].join('.'))).toBe('signature')
  })

  it('builds the same seal statement bytes as the backend', () => {
    const statement = new TextDecoder().decode(sealStatement(parsePayload(VECTOR.payload)))
    expect(statement).toBe(VECTOR.statement)
  })
})

describe('seal', () => {
  const keys = [VECTOR.key]

  it('this runtime has Ed25519 in WebCrypto', async () => {
    expect(await ed25519Supported()).toBe(true)
  })

  it('accepts the backend’s seal', async () => {
    const { result, key } = await verifySeal(parsePayload(VECTOR.payload), keys)
    expect(result).toBe('valid')
    expect(key.key_id).toBe(VECTOR.key.key_id)
  })

  it('refuses a payload with one character changed, in any part', async () => {
    expect((await verifySeal(parsePayload(VECTOR.tampered_payload), keys)).result).toBe('invalid')
    const parsed = parsePayload(VECTOR.payload)
    const flip = (text, i) => text.slice(0, i) + (text[i] === 'A' ? 'B' : 'A') + text.slice(i + 1)
    expect((await verifySeal({ ...parsed, digest: flip(parsed.digest, 5) }, keys)).result).toBe('invalid')
    expect((await verifySeal({ ...parsed, signature: flip(parsed.signature, 10) }, keys)).result).toBe('invalid')
  })

  it('says when the key is not among the published ones', async () => {
    const parsed = { ...parsePayload(VECTOR.payload), keyId: '5300-260101-000000' }
    expect(await verifySeal(parsed, keys)).toEqual({ result: 'unknown_key', key: null })
    expect((await verifySeal(parsePayload(VECTOR.payload), [])).result).toBe('unknown_key')
  })

  it('reports a broken key as invalid rather than throwing', async () => {
    const broken = [{ ...VECTOR.key, public_key: 'AAAA' }]
    expect((await verifySeal(parsePayload(VECTOR.payload), broken)).result).toBe('invalid')
  })
})

describe('keys cache', () => {
  const answer = (status, body) => async () => ({ ok: status < 300, status, json: async () => body })

  it('fetches, caches, and falls back to the cache when offline', async () => {
    const db = await freshDb()
    const online = await loadKeys(db, { fetchImpl: answer(200, { keys: [{ ...VECTOR.key, jwk: {} }] }), now: () => 42 })
    expect(online).toEqual({ keys: [{ ...VECTOR.key, district_name_zh: undefined, district_name_en: undefined, valid_from: undefined, valid_until: undefined }], fetchedAt: 42, fromCache: false })
    expect((await kvGet(db, KEYS_CACHE_KEY)).fetchedAt).toBe(42)
    const offline = await loadKeys(db, {
      fetchImpl: async () => {
        throw new TypeError('Failed to fetch')
      },
    })
    expect(offline.fromCache).toBe(true)
    expect(offline.fetchedAt).toBe(42)
    expect(offline.keys[0].public_key).toBe(VECTOR.key.public_key)
    const viaServerError = await loadKeys(db, { fetchImpl: answer(503, {}) })
    expect(viaServerError.fromCache).toBe(true)
  })

  it('has nothing to offer before the first fetch', async () => {
    const db = await freshDb()
    expect(await cachedKeys(db)).toBeNull()
    const result = await loadKeys(db, { fetchImpl: answer(500, {}) })
    expect(result).toEqual({ keys: [], fetchedAt: null, fromCache: true })
  })
})
