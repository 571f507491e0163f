// The reviewer's desk (单证审核), each screen a lazily loaded chunk.
export default [
  {
    path: '/review/queue',
    name: 'review-queue',
    component: () => import('./ReviewQueueView.vue'),
    meta: { roles: ['reviewer'], tabbar: true },
  },
]
