// The inspector's screens (移动单兵作业), each a lazily loaded chunk.
export default [
  {
    path: '/inspector/tasks',
    name: 'inspector-tasks',
    component: () => import('./TaskListView.vue'),
    meta: { roles: ['inspector'], tabbar: true, offlineNotice: true }, // the list says "offline" itself
  },
  {
    path: '/inspector/tasks/:id(\\d+)',
    name: 'inspector-task',
    component: () => import('./TaskView.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { roles: ['inspector'], tabbar: true },
  },
  {
    path: '/inspector/conflicts',
    name: 'inspector-conflicts',
    component: () => import('./ConflictView.vue'),
    meta: { roles: ['inspector'], tabbar: true },
  },
]
