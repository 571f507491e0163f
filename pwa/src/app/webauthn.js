// Security-key login (卡介质登录) and key registration with WebAuthn, against the server's
// /api/v1/auth/webauthn endpoints (py_webauthn options JSON in, credential.toJSON() out).
// Browsers with PublicKeyCredential.parse*OptionsFromJSON / toJSON use them; older ones get the
// same conversion done here (base64url <-> ArrayBuffer), which the unit tests pin down.
import { ENDPOINTS } from '../api/endpoints.js'
import { api } from './api.js'
import { adoptTokenPair } from './session.js'
import { tokenStore } from './tokens.js'
import { connected } from './realtime.js'

const WEBAUTHN = {
  registerOptions: '/api/v1/auth/webauthn/register/options',
  registerVerify: '/api/v1/auth/webauthn/register/verify',
  keys: '/api/v1/auth/webauthn/keys',
  loginOptions: '/api/v1/auth/webauthn/login/options',
  loginVerify: '/api/v1/auth/webauthn/login/verify',
}

/** base64url (no padding) of bytes (ArrayBuffer, typed array or DataView). */
export function toBase64url(bytes) {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let binary = ''
  for (let i = 0; i < view.length; i += 1) binary += String.fromCharCode(view[i])
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** ArrayBuffer of a base64url (or base64) string, padded or not. */
export function fromBase64url(text) {
  const base64 = String(text).replace(/-/g, '+').replace(/_/g, '/')
  const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4))
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i)
  return bytes.buffer
}

const descriptors = (list = []) => list.map((item) => ({ ...item, id: fromBase64url(item.id) }))

/** Creation options JSON (server) → the object navigator.credentials.create() takes. */
export function creationOptionsFromJSON(json) {
  return {
    ...json,
    challenge: fromBase64url(json.challenge),
    user: { ...json.user, id: fromBase64url(json.user.id) },
    excludeCredentials: descriptors(json.excludeCredentials),
  }
}

/** Request options JSON (server) → the object navigator.credentials.get() takes. */
export function requestOptionsFromJSON(json) {
  return { ...json, challenge: fromBase64url(json.challenge), allowCredentials: descriptors(json.allowCredentials) }
}

/** A PublicKeyCredential as JSON, the shape credential.toJSON() gives (and the server verifies). */
export function credentialToJSON(credential) {
  if (typeof credential.toJSON === 'function') return credential.toJSON()
  const { response } = credential
  const json = {
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: credential.getClientExtensionResults?.() ?? {},
    response: { clientDataJSON: toBase64url(response.clientDataJSON) },
  }
  if (response.attestationObject) {
    json.response.attestationObject = toBase64url(response.attestationObject)
    json.response.transports = response.getTransports?.() ?? []
  } else {
    json.response.authenticatorData = toBase64url(response.authenticatorData)
    json.response.signature = toBase64url(response.signature)
    if (response.userHandle) json.response.userHandle = toBase64url(response.userHandle)
  }
  return json
}

/** True when this browser can use security keys at all. */
export function webauthnSupported() {
  return typeof window !== 'undefined' && 'PublicKeyCredential' in window && Boolean(navigator.credentials)
}

/** A WebAuthn failure in the user's words: cancelled, not allowed here, or the server's refusal. */
export class KeyCeremonyError extends Error {
  constructor(reason, cause) {
    super(reason)
    this.name = 'KeyCeremonyError'
    this.reason = reason // 'unsupported' | 'cancelled' | 'failed'
    this.cause = cause
  }
}

function parseCreation(json) {
  const native = globalThis.PublicKeyCredential?.parseCreationOptionsFromJSON
  return native ? native.call(globalThis.PublicKeyCredential, json) : creationOptionsFromJSON(json)
}

function parseRequest(json) {
  const native = globalThis.PublicKeyCredential?.parseRequestOptionsFromJSON
  return native ? native.call(globalThis.PublicKeyCredential, json) : requestOptionsFromJSON(json)
}

async function ceremony(run) {
  if (!webauthnSupported()) throw new KeyCeremonyError('unsupported')
  try {
    return await run()
  } catch (error) {
    // NotAllowedError: the user cancelled, the time ran out, or no matching key was touched.
    if (error?.name === 'NotAllowedError' || error?.name === 'AbortError') throw new KeyCeremonyError('cancelled', error)
    throw new KeyCeremonyError('failed', error)
  }
}

/** The caller's registered security keys. */
export const listKeys = () => api.get(WEBAUTHN.keys)

/**
 * Register a new security key for the signed-in user; resolves to the saved key. The first key needs
 * the one-time enrolment code the administrator issued (一次性注册码); later ones a key session.
 */
export async function registerKey(name, enrolmentCode = '') {
  const code = enrolmentCode.trim() ? { enrolment_code: enrolmentCode.trim() } : {}
  const { options } = await api.post(WEBAUTHN.registerOptions, code)
  const credential = await ceremony(() => navigator.credentials.create({ publicKey: parseCreation(options) }))
  return api.post(WEBAUTHN.registerVerify, { credential: credentialToJSON(credential), name: name || null, ...code })
}

/**
 * 卡介质登录: sign in `username` with a security key. Replaces any current session (a password
 * session of the same user is revoked), and resolves to the user, whose assurance is then `key`.
 */
export async function keyLogin(username) {
  const { options } = await api.post(WEBAUTHN.loginOptions, { username }, { auth: false })
  const credential = await ceremony(() => navigator.credentials.get({ publicKey: parseRequest(options) }))
  const pair = await api.post(WEBAUTHN.loginVerify, { credential: credentialToJSON(credential) }, { auth: false })
  if (await tokenStore.get()) {
    try {
      await api.post(ENDPOINTS.logout, undefined, { signal: AbortSignal.timeout(3000) })
    } catch {
      // The old session may already be gone; the new one below is what counts.
    }
  }
  const me = await adoptTokenPair(pair)
  connected() // reconnect the live connection with the new token at once
  return me
}
