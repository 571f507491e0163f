import { describe, expect, it, vi } from 'vitest'

// The conversions are pure; the ceremony's wiring (API client, session, live connection) needs a
// browser, so it is stood in for here and exercised end to end by tests/e2e/test_enterprise_access.py.
vi.mock('../src/app/api.js', () => ({ api: {} }))
vi.mock('../src/app/session.js', () => ({ session: {} }))
vi.mock('../src/app/tokens.js', () => ({ tokenStore: {} }))
vi.mock('../src/app/realtime.js', () => ({ connected: () => {}, disconnect: () => {} }))
import { creationOptionsFromJSON, credentialToJSON, fromBase64url, requestOptionsFromJSON, toBase64url } from '../src/app/webauthn.js'

const bytes = (...values) => new Uint8Array(values)

describe('base64url', () => {
  it('encodes without padding and with the URL-safe alphabet', () => {
    expect(toBase64url(bytes(0xfb, 0xff, 0xfe))).toBe('-__-')
    expect(toBase64url(bytes(1))).toBe('AQ')
    expect(toBase64url(bytes(1, 2))).toBe('AQI')
    expect(toBase64url(new Uint8Array(0))).toBe('')
    expect(toBase64url(bytes(1, 2, 3).buffer)).toBe('AQID')
  })

  it('decodes padded and unpadded text back to the same bytes', () => {
    for (const text of ['-__-', 'AQ', 'AQI', 'AQID', 'AQ==', '']) {
      const decoded = new Uint8Array(fromBase64url(text))
      expect(toBase64url(decoded)).toBe(text.replace(/=+$/, ''))
    }
  })

  it('round-trips every byte value, including a view into a larger buffer', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    expect(new Uint8Array(fromBase64url(toBase64url(all)))).toEqual(all)
    const view = new Uint8Array(all.buffer, 10, 5)
    expect(new Uint8Array(fromBase64url(toBase64url(view)))).toEqual(bytes(10, 11, 12, 13, 14))
  })
})

describe('options and credentials as JSON', () => {
  it('turns py_webauthn creation options into buffers where WebAuthn wants them', () => {
    const options = creationOptionsFromJSON({
      rp: { id: 'localhost', name: 'Chajian 查检' },
      user: { id: 'Y2hhamlhbi11c2VyLTI', name: 'ent2-demo', displayName: '陈强' },
      challenge: 'AQID',
      pubKeyCredParams: [{ type: 'public-key', alg: -7 }],
      excludeCredentials: [{ id: 'BAUG', type: 'public-key', transports: ['internal'] }],
      authenticatorSelection: { userVerification: 'required' },
    })
    expect(new Uint8Array(options.challenge)).toEqual(bytes(1, 2, 3))
    expect(new TextDecoder().decode(options.user.id)).toBe('chajian-user-2')
    expect(options.user.name).toBe('ent2-demo')
    expect(new Uint8Array(options.excludeCredentials[0].id)).toEqual(bytes(4, 5, 6))
    expect(options.excludeCredentials[0].transports).toEqual(['internal'])
    expect(options.authenticatorSelection.userVerification).toBe('required')
  })

  it('turns request options into buffers and keeps an empty allow list empty', () => {
    const options = requestOptionsFromJSON({ challenge: 'AQID', rpId: 'localhost', userVerification: 'required' })
    expect(new Uint8Array(options.challenge)).toEqual(bytes(1, 2, 3))
    expect(options.allowCredentials).toEqual([])
    expect(options.rpId).toBe('localhost')
  })

  it('serialises an assertion the way credential.toJSON() does when the browser lacks it', () => {
    const credential = {
      id: 'AQID',
      rawId: bytes(1, 2, 3).buffer,
      type: 'public-key',
      authenticatorAttachment: 'platform',
      getClientExtensionResults: () => ({}),
      response: { clientDataJSON: bytes(123, 125).buffer, authenticatorData: bytes(9).buffer, signature: bytes(8, 7).buffer, userHandle: null },
    }
    expect(credentialToJSON(credential)).toEqual({
      id: 'AQID',
      rawId: 'AQID',
      type: 'public-key',
      authenticatorAttachment: 'platform',
      clientExtensionResults: {},
      response: { clientDataJSON: 'e30', authenticatorData: 'CQ', signature: 'CAc' },
    })
  })

  it('serialises an attestation with its transports, and prefers the native toJSON()', () => {
    const attestation = {
      id: 'AQID',
      rawId: bytes(1, 2, 3).buffer,
      type: 'public-key',
      response: { clientDataJSON: bytes(1).buffer, attestationObject: bytes(2).buffer, getTransports: () => ['internal'] },
    }
    expect(credentialToJSON(attestation).response).toEqual({ clientDataJSON: 'AQ', attestationObject: 'Ag', transports: ['internal'] })
    expect(credentialToJSON({ toJSON: () => ({ native: true }) })).toEqual({ native: true })
  })
})
