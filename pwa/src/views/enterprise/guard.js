// Which screens a session may open: password login (账号登录) opens the declaration module only,
// key login (卡介质登录) everything. Routes say what they need in `meta.assurance`; the route's own
// beforeEnter (the shared router guard stays as it is) sends a weaker session to an explanation.
import { session } from '../../app/session.js'

const RANK = { password: 1, key: 2 }

/** True when `user`'s session is at least as strong as `needed` ('password' or 'key'). */
export function hasAssurance(user, needed = 'password') {
  if (!user) return false
  return (RANK[user.assurance] ?? 0) >= (RANK[needed] ?? Infinity)
}

/** beforeEnter for a route with meta.assurance: off to the key-required screen when not enough. */
export function assuranceGuard(to) {
  const needed = to.meta?.assurance
  if (!needed || hasAssurance(session.user, needed)) return true
  return { name: 'enterprise-key-required', query: { next: to.fullPath } }
}

/** A safe in-app path to go on to after a login ("/…" only, never another origin). */
export function nextPath(value, fallback) {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : fallback
}
