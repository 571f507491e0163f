// 系统管理: the administrator's area. One route in the shell (every screen it shows is a lazily loaded
// chunk that AdminLayout picks by the path's section), so the other roles' phones download nothing of
// it. Every change an administrator makes needs a key login: AdminLayout shows the shared
// key-required explanation to a password session instead of the section.
export default [
  {
    path: '/admin/:section?',
    name: 'admin',
    component: () => import('./AdminLayout.vue'),
    meta: { roles: ['administrator'], tabbar: true },
  },
]
