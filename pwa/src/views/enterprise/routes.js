// The enterprise portal's screens (企业端), each a lazily loaded chunk. `meta.assurance: 'key'` marks
// the screens a password session may not open (the seed: 账号登录仅可使用电子底账申报模块); their
// beforeEnter shows the key-required explanation instead, never the data.
import { assuranceGuard } from './guard.js'

const enterprise = (extra = {}) => ({ roles: ['enterprise'], ...extra })
const keyOnly = { assurance: 'key' }

export default [
  {
    path: '/enterprise/declarations',
    name: 'enterprise-declarations',
    component: () => import('./DeclarationListView.vue'),
    meta: enterprise({ tabbar: true }),
  },
  {
    path: '/enterprise/declarations/new',
    name: 'enterprise-declaration-new',
    component: () => import('./DeclarationFormView.vue'),
    meta: enterprise({ tabbar: true }),
  },
  {
    path: '/enterprise/declarations/:id(\\d+)/edit',
    name: 'enterprise-declaration-edit',
    component: () => import('./DeclarationFormView.vue'),
    meta: enterprise({ tabbar: true }),
  },
  {
    path: '/enterprise/declarations/:id(\\d+)',
    name: 'enterprise-declaration',
    component: () => import('./DeclarationDetailView.vue'),
    meta: enterprise({ tabbar: true }),
  },
  {
    path: '/enterprise/query',
    name: 'enterprise-query',
    component: () => import('./QueryView.vue'),
    meta: enterprise({ tabbar: true }),
  },
  {
    path: '/enterprise/appointments',
    name: 'enterprise-appointments',
    component: () => import('./AppointmentsView.vue'),
    meta: enterprise({ tabbar: true, ...keyOnly }),
    beforeEnter: assuranceGuard,
  },
  {
    path: '/enterprise/e-records/:no([0-9A-Z]{18})',
    name: 'enterprise-e-record',
    component: () => import('./ERecordView.vue'),
    meta: enterprise({ tabbar: true, ...keyOnly }),
    beforeEnter: assuranceGuard,
  },
  {
    path: '/enterprise/keys',
    name: 'enterprise-keys',
    component: () => import('./KeysView.vue'),
    meta: enterprise({ tabbar: true }),
  },
  {
    path: '/enterprise/key-required',
    name: 'enterprise-key-required',
    component: () => import('./KeyRequiredView.vue'),
    meta: enterprise({ tabbar: true }),
  },
]
