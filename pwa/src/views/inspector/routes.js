// The inspector's screens (移动单兵作业), each a lazily loaded chunk.
export default [
  {
    path: '/inspector/tasks',
    name: 'inspector-tasks',
    component: () => import('./TaskListView.vue'),
    meta: { roles: ['inspector'], tabbar: true },
  },
]
