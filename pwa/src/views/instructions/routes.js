// The officers' 指令管理 and 预约查检 desk (one lazily loaded chunk; ?tab=bookings for 预约查检).
// Reviewers issue instructions and answer bookings; supervisors also reassign, cancel and order
// re-inspections on an instruction's page (the supervisor's route, open to reviewers too).
export default [
  {
    path: '/instructions',
    name: 'instructions-desk',
    component: () => import('./DeskView.vue'),
    meta: { roles: ['reviewer', 'supervisor'], tabbar: true },
  },
]
