// Who is signed in. Restored from the device first (works offline), then confirmed with the
// server in the background when it answers.
import { reactive } from 'vue'
import { appDb, kvDelete, kvGet, kvSet } from '../db/index.js'
import { ENDPOINTS } from '../api/endpoints.js'
import { ApiError } from '../api/client.js'
import { api } from './api.js'
import { tokenStore, whenAuthLost } from './tokens.js'
import { disconnect as disconnectLive } from './realtime.js'

const ME_KEY = 'auth.me'

export const session = reactive({ user: null, restored: false })

let restoring = null

async function forget() {
  session.user = null
  disconnectLive() // the next user on this page must not keep this one's rooms
  await tokenStore.clear()
  await kvDelete(await appDb(), ME_KEY)
}

async function confirmWithServer() {
  try {
    const me = await api.get(ENDPOINTS.me)
    session.user = me
    await kvSet(await appDb(), ME_KEY, me)
  } catch (error) {
    // Offline or server down: keep working with the saved user. Signed out: AuthLost handles it.
    if (error instanceof ApiError && error.status === 401) await forget()
  }
}

/** Load the saved user once per page load; never waits for the network. */
export function restoreSession() {
  if (!restoring) {
    restoring = (async () => {
      const [tokens, me] = await Promise.all([tokenStore.get(), kvGet(await appDb(), ME_KEY)])
      session.user = tokens?.access_token && me ? me : null
      session.restored = true
      if (session.user) confirmWithServer()
    })()
  }
  return restoring
}

/** Start the session of a token pair the server just issued (password or key login). */
export async function adoptTokenPair(pair) {
  await tokenStore.save(pair)
  const me = await api.get(ENDPOINTS.me)
  await kvSet(await appDb(), ME_KEY, me)
  session.user = me
  disconnectLive() // live messages follow the new token's rooms from the next subscription on
  return me
}

/** Password login; resolves to the user. Throws ApiError or OfflineError. */
export async function login(username, password) {
  const pair = await api.post(ENDPOINTS.login, { username, password }, { auth: false })
  return adoptTokenPair(pair)
}

/** Sign out here and, when reachable, on the server. Unsent outbox entries stay on the device. */
export async function logout() {
  try {
    await api.post(ENDPOINTS.logout, undefined, { signal: AbortSignal.timeout(3000) })
  } catch {
    // Offline or already expired: the local sign-out below is what matters on this device.
  }
  await forget()
}

whenAuthLost(() => {
  session.user = null
  appDb().then((db) => kvDelete(db, ME_KEY))
})

export { homeFor } from './deskRouting.js' // the first screen of each role, next to which roles use the desks
