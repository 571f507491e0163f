// The enterprise portal's screens (企业端), each a lazily loaded chunk.
export default [
  {
    path: '/enterprise/declarations',
    name: 'enterprise-declarations',
    component: () => import('./DeclarationListView.vue'),
    meta: { roles: ['enterprise'], tabbar: true },
  },
]
