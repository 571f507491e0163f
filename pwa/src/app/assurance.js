// Which screens a session may open: password login (账号登录) or key login (卡介质登录, WebAuthn).
// Routes say what they need in `meta.assurance`; their own beforeEnter (the shared router guard
// stays as it is) sends a weaker session to the area's key-required explanation. Used by every
// area with key-only screens (the enterprise's certificates, the certificate officer's desk).
import { session } from './session.js'

const RANK = { password: 1, key: 2 }

/** True when `user`'s session is at least as strong as `needed` ('password' or 'key'). */
export function hasAssurance(user, needed = 'password') {
  if (!user) return false
  return (RANK[user.assurance] ?? 0) >= (RANK[needed] ?? Infinity)
}

/** A beforeEnter for routes with meta.assurance: off to the route named `keyRequired` when not enough. */
export function keyGuard(keyRequired) {
  return (to) => {
    const needed = to.meta?.assurance
    if (!needed || hasAssurance(session.user, needed)) return true
    return { name: keyRequired, query: { next: to.fullPath } }
  }
}

/** A safe in-app path to go on to after a login ("/…" only, never another origin). */
export function nextPath(value, fallback) {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : fallback
}
