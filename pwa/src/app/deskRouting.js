// The desks' routes load on demand (views/deskRoutes.js): framework-free rules the router's guard
// follows, so an inspector's shell carries only its own routes.

/** The first screen of each role. */
export function homeFor(user) {
  switch (user?.role) {
    case 'inspector':
      return { name: 'inspector-tasks' }
    case 'enterprise':
      return { name: 'enterprise-declarations' }
    case 'reviewer':
      return { name: 'review-queue' }
    case 'supervisor':
      return { name: 'monitoring' }
    case 'certificate_officer':
      return { name: 'certdesk-queue' }
    case 'administrator':
      return '/admin'
    default:
      return { name: 'workbench' }
  }
}

/** Whether this user's screens are desk routes (everyone signed in but the inspector). */
export const usesDesks = (user) => Boolean(user) && user.role !== 'inspector'

/** Loads the desk route table once and adds it to the router; a failed load can be retried. */
export function deskRouteLoader(router, load) {
  let loading = null
  let loaded = false
  return {
    loaded: () => loaded,
    ensure() {
      loading ??= load().then(
        ({ default: routes }) => {
          for (const route of routes) if (!router.hasRoute(route.name)) router.addRoute(route)
          loaded = true
        },
        (error) => {
          loading = null
          throw error
        },
      )
      return loading
    },
  }
}

/**
 * First step of every navigation: a signed-in desk user gets the desk routes before anything resolves
 * to them (their home is a desk route); an address that matched only the catch-all is looked up again
 * once they are there (a desk page typed in or reloaded, signed in or not). Returns the full path to
 * navigate to again, or undefined to go on; a truly unknown address stays on not-found.
 */
export async function desksFirst(to, user, desks) {
  if (desks.loaded()) return undefined
  const unmatched = to.name === 'not-found'
  if (usesDesks(user)) await desks.ensure()
  else if (unmatched) {
    try {
      await desks.ensure()
    } catch {
      return undefined // offline without the chunk: not-found says so, as before
    }
  }
  return unmatched && desks.loaded() ? to.fullPath : undefined
}
