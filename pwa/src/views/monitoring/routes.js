// 业务监控: the supervisor's one board (home), and the list behind each tile; lazily loaded chunks.

export default [
  {
    path: '/monitoring',
    name: 'monitoring',
    component: () => import('./MonitoringView.vue'),
    meta: { roles: ['supervisor'], tabbar: true, messages: ['supervisor'] },
  },
  {
    path: '/monitoring/tiles/:tile',
    name: 'monitoring-tile',
    component: () => import('./TileView.vue'),
    meta: { roles: ['supervisor'], tabbar: true, messages: ['supervisor'] },
  },
]
