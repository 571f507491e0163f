// 辅助工具: code look-ups, the number checker, the certificate verifier, the evidence bundle of an
// inspection, and one's own security keys (/tools/keys); for every signed-in role, reached from 设置
// (every role's tab bar) and the administrator's side navigation. One lazily loaded route; its words
// load by the path (/tools → locales/tools).
export default [
  {
    path: '/tools/:page(keys)?',
    name: 'tools',
    component: () => import('./ToolsView.vue'),
    meta: { tabbar: true },
  },
]
