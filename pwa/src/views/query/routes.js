// 综合查询 for customs users (reviewer, supervisor, certificate officer, inspector): one lazily loaded
// screen; its words are the `query` area, loaded by the path's first segment.
export default [
  {
    path: '/query',
    name: 'office-query',
    component: () => import('./OfficeQueryView.vue'),
    meta: { roles: ['reviewer', 'supervisor', 'certificate_officer', 'inspector'], tabbar: true },
  },
]
