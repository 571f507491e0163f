// The supervisor's board (查检监控), each screen a lazily loaded chunk.

export default [
  {
    path: '/supervisor/board',
    name: 'supervisor-board',
    component: () => import('./BoardView.vue'),
    meta: { roles: ['supervisor'], tabbar: true },
  },
  {
    path: '/supervisor/instructions/:id',
    name: 'supervisor-instruction',
    component: () => import('./InstructionView.vue'),
    meta: { roles: ['supervisor', 'reviewer'], tabbar: true, messages: ['instructions'] },
  },
]
