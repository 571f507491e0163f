// Every desk's routes (enterprise, officers, supervisors), one lazily loaded module: an inspector's
// phone never downloads these tables nor their chunks' preload lists to show its task list. The
// router adds them on demand (router.js ensureDeskRoutes: before a signed-in desk user's first
// navigation, at login, and when an address matches only the catch-all, e.g. a desk page reloaded).
// A new desk folder's routes.js is added here, and only here — not to router.js, whose table is the
// inspector's shell (login, home, inspector, verify, workbench/outbox/settings, not-found).
import enterpriseRoutes from './enterprise/routes.js'
import reviewRoutes from './review/routes.js'
import certdeskRoutes from './certdesk/routes.js'
import supervisorRoutes from './supervisor/routes.js'
import instructionsRoutes from './instructions/routes.js'
import monitoringRoutes from './monitoring/routes.js'
import statisticsRoutes from './statistics/routes.js'
import queryRoutes from './query/routes.js'
import adminRoutes from './admin/routes.js'

export default [
  ...enterpriseRoutes,
  ...reviewRoutes,
  ...certdeskRoutes,
  ...supervisorRoutes,
  ...instructionsRoutes,
  ...monitoringRoutes,
  ...statisticsRoutes,
  ...queryRoutes,
  ...adminRoutes,
]
