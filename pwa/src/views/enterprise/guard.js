// The enterprise portal's key-only screens: password login (账号登录) opens the declaration module
// only, key login (卡介质登录) everything. The rule itself is shared (app/assurance.js).
import { keyGuard } from '../../app/assurance.js'

export { hasAssurance, nextPath } from '../../app/assurance.js'

/** beforeEnter for a route with meta.assurance: off to the key-required screen when not enough. */
export const assuranceGuard = keyGuard('enterprise-key-required')
