// The enterprise portal's screens (企业端), each a lazily loaded chunk. A password session opens the
// e-record declaration module (declarations, receipts, queries, appointments, e-records), as the
// server allows; `meta.assurance: 'key'` marks the certificate screens, which need a key login —
// their beforeEnter shows the key-required explanation instead, never the data.
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
    meta: enterprise({ tabbar: true, messages: ['query'] }),
  },
  {
    path: '/enterprise/appointments',
    name: 'enterprise-appointments',
    component: () => import('./AppointmentsView.vue'),
    meta: enterprise({ tabbar: true }),
  },
  {
    path: '/enterprise/e-records/:no([0-9A-Z]{18})',
    name: 'enterprise-e-record',
    component: () => import('./ERecordView.vue'),
    meta: enterprise({ tabbar: true }),
  },
  {
    path: '/enterprise/certificates',
    name: 'enterprise-certificates',
    component: () => import('./CertificatesView.vue'),
    meta: enterprise({ tabbar: true, ...keyOnly }),
    beforeEnter: assuranceGuard,
  },
  {
    path: '/enterprise/certificates/new',
    name: 'enterprise-certificate-new',
    component: () => import('./CertificateApplicationNewView.vue'),
    meta: enterprise({ tabbar: true, ...keyOnly }),
    beforeEnter: assuranceGuard,
  },
  {
    path: '/enterprise/certificates/applications/:id(\\d+)',
    name: 'enterprise-certificate-application',
    component: () => import('./CertificateApplicationView.vue'),
    meta: enterprise({ tabbar: true, ...keyOnly }),
    beforeEnter: assuranceGuard,
  },
  {
    path: '/enterprise/certificates/:no([0-9]{15})',
    name: 'enterprise-certificate',
    component: () => import('./CertificateView.vue'),
    meta: enterprise({ tabbar: true, ...keyOnly }),
    beforeEnter: assuranceGuard,
  },
  {
    path: '/enterprise/blank-stock',
    name: 'enterprise-blank-stock',
    component: () => import('./BlankStockView.vue'),
    meta: enterprise({ tabbar: true, ...keyOnly }),
    beforeEnter: assuranceGuard,
  },
  {
    path: '/enterprise/agency',
    name: 'enterprise-agency',
    component: () => import('./AgencyView.vue'),
    meta: enterprise({ tabbar: true }),
  },
  {
    path: '/enterprise/keys',
    name: 'enterprise-keys',
    component: () => import('../common/KeysView.vue'),
    meta: enterprise({ tabbar: true }),
  },
  {
    path: '/enterprise/key-required',
    name: 'enterprise-key-required',
    component: () => import('../common/KeyRequiredView.vue'),
    meta: enterprise({ tabbar: true }),
  },
]
