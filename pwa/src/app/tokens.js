// Tokens live in IndexedDB (kv store) so the signed-in state survives reloads and offline
// starts; a memory copy spares a database read per request.
import { appDb, kvDelete, kvGet, kvSet } from '../db/index.js'

const TOKENS_KEY = 'auth.tokens'
let cached // undefined = not read yet
const authLostListeners = new Set()

export const tokenStore = {
  async get() {
    if (cached === undefined) cached = (await kvGet(await appDb(), TOKENS_KEY)) ?? null
    return cached
  },
  async save(pair) {
    const savedAt = Date.now()
    // expiresAt: the API client refreshes shortly before it, so no request goes out with a dead token.
    const expiresAt = pair.expires_in ? savedAt + pair.expires_in * 1000 : null
    cached = { access_token: pair.access_token, refresh_token: pair.refresh_token, assurance: pair.assurance, savedAt, expiresAt }
    await kvSet(await appDb(), TOKENS_KEY, cached)
  },
  async clear() {
    cached = null
    await kvDelete(await appDb(), TOKENS_KEY)
  },
}

export function onAuthLost() {
  for (const listener of authLostListeners) listener()
}

export function whenAuthLost(listener) {
  authLostListeners.add(listener)
  return () => authLostListeners.delete(listener)
}
