import { describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { deskRouteLoader, desksFirst, homeFor, usesDesks } from '../src/app/deskRouting.js'
import inspectorRoutes from '../src/views/inspector/routes.js'
import verifyRoutes from '../src/views/verify/routes.js'

// The desks' own guards (key assurance) read the session; no server, no browser here.
const { mockSession } = vi.hoisted(() => ({ mockSession: { user: null } }))
vi.mock('../src/app/session.js', () => ({ session: mockSession }))
vi.mock('../src/app/api.js', () => ({ api: {} }))

// The shell's table as router.js has it (login, home, inspector, verify, not-found) and the real desk
// table loaded on demand, behind a guard that does what router.js's does around desksFirst. Screens
// are left out (plain Node, no .vue files): the tables, names, metas and redirects are the real ones.
const blank = { render: () => null }
const bare = (routes) => routes.map((route) => (route.component ? { ...route, component: blank } : route))
const deskTable = () => import('../src/views/deskRoutes.js').then(({ default: routes }) => ({ default: bare(routes) }))
function appRouter(user, { load = deskTable } = {}) {
  mockSession.user = user
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', name: 'login', component: blank, meta: { public: true } },
      { path: '/', name: 'home', component: blank },
      ...bare(inspectorRoutes),
      ...bare(verifyRoutes),
      { path: '/:pathMatch(.*)*', name: 'not-found', component: blank, meta: { public: true } },
    ],
  })
  let loads = 0
  const desks = deskRouteLoader(router, () => {
    loads += 1
    return load()
  })
  router.beforeEach(async (to) => {
    const again = await desksFirst(to, user, desks)
    if (again) return again
    if (to.name === 'home') return user ? homeFor(user) : { name: 'login' }
    if (to.meta.public) return true
    if (!user) return { name: 'login', query: { next: to.fullPath } }
    if (to.meta.roles && !to.meta.roles.includes(user.role)) return homeFor(user)
    return true
  })
  return { router, desks, loads: () => loads }
}

describe('desk routes on demand', () => {
  it('an inspector never loads them for its own screens', async () => {
    const { router, loads } = appRouter({ role: 'inspector' })
    await router.push('/')
    expect(router.currentRoute.value.name).toBe('inspector-tasks')
    await router.push('/verify')
    expect(router.currentRoute.value.name).toBe('verify')
    expect(loads()).toBe(0)
    expect(router.hasRoute('monitoring')).toBe(false)
  })

  it("a desk user's home resolves to its desk route, loaded once", async () => {
    for (const [role, home] of [['supervisor', 'monitoring'], ['enterprise', 'enterprise-declarations'], ['reviewer', 'review-queue'], ['certificate_officer', 'certdesk-key-required']]) {
      const { router, loads } = appRouter({ role })
      await router.push('/')
      expect(router.currentRoute.value.name, role).toBe(home)
      await router.push({ name: home })
      expect(loads(), role).toBe(1)
    }
    const admin = appRouter({ role: 'administrator' })
    await admin.router.push('/')
    expect(admin.router.currentRoute.value.fullPath).toBe('/admin')
    expect(admin.router.currentRoute.value.params.area).toBe('admin')
    expect(usesDesks(null)).toBe(false)
  })

  it('a desk page typed in or reloaded is found again with its query, signed in or not', async () => {
    const signedOut = appRouter(null)
    await signedOut.router.push('/monitoring/tiles/open?district=3301#top')
    // Found once the desks are there, so not signed in it asks for a login that comes back to it.
    expect(signedOut.router.currentRoute.value.name).toBe('login')
    expect(signedOut.router.currentRoute.value.query.next).toBe('/monitoring/tiles/open?district=3301#top')
    const supervisor = appRouter({ role: 'supervisor' })
    await supervisor.router.push('/supervisor/board')
    expect(supervisor.router.currentRoute.value.name).toBe('monitoring')
  })

  it('a truly unknown address stays on not-found, and an inspector asking for a desk goes home', async () => {
    const { router, loads } = appRouter({ role: 'inspector' })
    await router.push('/no/such/page')
    expect(router.currentRoute.value.name).toBe('not-found')
    expect(router.currentRoute.value.fullPath).toBe('/no/such/page')
    await router.push('/review/queue')
    expect(router.currentRoute.value.name).toBe('inspector-tasks')
    // 综合查询 is a desk folder an inspector may open too (typed in: found after the load).
    await router.push('/query')
    expect(router.currentRoute.value.name).toBe('office-query')
    // 辅助工具 (Settings links to it by path) is there for everyone signed in.
    await router.push('/tools/keys')
    expect(router.currentRoute.value.matched[0].path).toBe('/:area(admin|tools)/:section?')
    expect(router.currentRoute.value.params).toEqual({ area: 'tools', section: 'keys' })
    expect(loads()).toBe(1)
  })

  it('offline without the desk chunk an unknown address shows not-found, and a later try loads it', async () => {
    let fail = true
    const { router, desks } = appRouter(null, {
      load: () => (fail ? Promise.reject(new TypeError('Failed to fetch dynamically imported module')) : deskTable()),
    })
    await router.push('/monitoring')
    expect(router.currentRoute.value.name).toBe('not-found')
    expect(desks.loaded()).toBe(false)
    fail = false
    await router.push('/monitoring?again=1')
    expect(router.currentRoute.value.name).toBe('login')
    expect(router.currentRoute.value.query.next).toBe('/monitoring?again=1')
  })
})
