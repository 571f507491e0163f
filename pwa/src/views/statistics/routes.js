// 查询统计 (/statistics) and 时效 (/statistics/timeliness): one route, one lazily loaded chunk with
// ECharts, so the shell's route table grows by one short entry (the inspector's shell is at its budget).

export default [
  {
    path: '/statistics/:page(timeliness)?',
    name: 'statistics',
    component: () => import('./StatisticsView.vue'),
    meta: { roles: ['supervisor', 'reviewer', 'certificate_officer', 'administrator'], tabbar: true },
  },
]
