// Routes, one lazily loaded chunk per screen, grouped by role folder (each folder's routes.js): an inspector's phone never
// downloads the enterprise or review screens to show its task list. This table is the inspector's shell (and what an
// anonymous visitor needs first); every desk's routes live in views/deskRoutes.js — a new desk folder goes there, not
// here — and are added on demand (ensureDeskRoutes, app/deskRouting.js).
import { createRouter, createWebHistory } from 'vue-router'
import { homeFor, restoreSession, session } from './app/session.js'
import { deskRouteLoader, desksFirst } from './app/deskRouting.js'
import { ensureAreas } from './i18n/index.js'
import inspectorRoutes from './views/inspector/routes.js'
import verifyRoutes from './views/verify/routes.js'

const routes = [
  { path: '/login', name: 'login', component: () => import('./views/common/LoginView.vue'), meta: { public: true } },
  // Resolved in the guard below, once the saved session is loaded.
  { path: '/', name: 'home', component: { render: () => null } },
  ...inspectorRoutes,
  ...verifyRoutes,
  { path: '/workbench', name: 'workbench', component: () => import('./views/common/WorkbenchView.vue'), meta: { tabbar: true } },
  { path: '/outbox', name: 'outbox', component: () => import('./views/common/OutboxView.vue'), meta: { tabbar: true } },
  { path: '/settings', name: 'settings', component: () => import('./views/common/SettingsView.vue'), meta: { tabbar: true } },
  { path: '/:pathMatch(.*)*', name: 'not-found', component: () => import('./views/common/NotFoundView.vue'), meta: { public: true } },
]

export const router = createRouter({ history: createWebHistory(), routes })

const desks = deskRouteLoader(router, () => import('./views/deskRoutes.js'))

/** Add the desk routes (once); await it before navigating by name to a desk route outside the desks. */
export const ensureDeskRoutes = () => desks.ensure()

// A role's own words come with its screens: the area named by the path (/inspector/…, /verify/…),
// the signed-in user's area (their outbox shows their work) and any a route lists in meta.messages.
const ROLE_AREAS = {
  inspector: 'inspector',
  enterprise: 'enterprise',
  reviewer: 'review',
  certificate_officer: 'certdesk',
  supervisor: 'supervisor',
}

router.beforeEach(async (to) => {
  await restoreSession()
  const user = session.user
  const again = await desksFirst(to, user, desks)
  if (again) return again
  await ensureAreas([to.path.split('/')[1], ROLE_AREAS[user?.role], ...(to.meta.messages ?? [])].filter(Boolean))
  if (to.name === 'login') return user ? homeFor(user) : true
  if (to.name === 'home') return user ? homeFor(user) : { name: 'login' }
  if (to.meta.public) return true
  if (!user) return { name: 'login', query: to.fullPath !== '/' ? { next: to.fullPath } : {} }
  if (to.meta.roles && !to.meta.roles.includes(user.role)) return homeFor(user)
  return true
})
