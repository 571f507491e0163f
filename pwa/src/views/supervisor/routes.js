// The supervisor's instruction detail, a lazily loaded chunk. The board is 业务监控 (views/monitoring):
// one board, not two; the old address leads there.

export default [
  { path: '/supervisor/board', name: 'supervisor-board', redirect: { name: 'monitoring' } },
  {
    path: '/supervisor/instructions/:id',
    name: 'supervisor-instruction',
    component: () => import('./InstructionView.vue'),
    meta: { roles: ['supervisor', 'reviewer'], tabbar: true, messages: ['instructions'] },
  },
]
