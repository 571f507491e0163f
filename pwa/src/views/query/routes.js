// 综合查询 for customs users (reviewer, supervisor, certificate officer, inspector): one lazily loaded
// screen; its words are the `query` area, loaded by the path's first segment.
export default [
  {
    path: '/query',
    name: 'office-query',
    component: () => import('./OfficeQueryView.vue'),
    meta: { roles: ['reviewer', 'supervisor', 'certificate_officer', 'inspector'], tabbar: true },
  },
  {
    // 电子底账, read-only, looked up by number: the issuing district's customs, and the customs of the
    // port of exit it is declared through (口岸海关)
    path: '/query/e-records/:no([0-9A-Z]{18})?',
    name: 'office-e-record',
    component: () => import('./OfficeERecordView.vue'),
    meta: { roles: ['reviewer', 'supervisor', 'certificate_officer', 'inspector'] },
  },
]
