// 系统管理 (/admin/…, administrators) and 辅助工具 (/tools/…, everyone signed in): one route in the
// shell whose chunk (AreaView) picks the area, so the other roles' phones download nothing of either
// until they open it. Every change an administrator makes needs a key login: AdminLayout shows the
// shared key-required explanation to a password session instead of the section. The area's words
// load by the path (locales/admin, locales/tools).
export default [{ path: '/:area(admin|tools)/:section?', component: () => import('./AreaView.vue'), meta: { tabbar: true } }]
