// The reviewer's desk (单证审核), each screen a lazily loaded chunk.

export default [
  {
    path: '/review/queue',
    name: 'review-queue',
    component: () => import('./ReviewQueueView.vue'),
    meta: { roles: ['reviewer', 'supervisor'], tabbar: true },
  },
  {
    path: '/review/declarations/:id',
    name: 'review-detail',
    component: () => import('./ReviewDetailView.vue'),
    meta: { roles: ['reviewer', 'supervisor'], tabbar: true },
  },
]
