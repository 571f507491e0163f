// The certificate officer's desk (证书审核), each screen a lazily loaded chunk. Every officer
// certificate endpoint needs a key login, so every data screen is `meta.assurance: 'key'`: a
// password session gets the shared key-required explanation (with the key-login action) instead.
import { keyGuard } from '../../app/assurance.js'

const officer = (extra = {}) => ({ roles: ['certificate_officer'], tabbar: true, ...extra })
const keyPages = { words: 'certdesk', home: 'certdesk-queue', keys: 'certdesk-keys' }
const keyOnly = { assurance: 'key' }
const beforeEnter = keyGuard('certdesk-key-required')

export default [
  {
    path: '/certdesk/queue',
    name: 'certdesk-queue',
    component: () => import('./CertQueueView.vue'),
    meta: officer(keyOnly),
    beforeEnter,
  },
  {
    path: '/certdesk/requests',
    name: 'certdesk-requests',
    component: () => import('./CertRequestsView.vue'),
    meta: officer(keyOnly),
    beforeEnter,
  },
  {
    path: '/certdesk/counter',
    name: 'certdesk-counter',
    component: () => import('./CertCounterView.vue'),
    meta: officer(keyOnly),
    beforeEnter,
  },
  {
    path: '/certdesk/applications/:id(\\d+)',
    name: 'certdesk-application',
    component: () => import('./CertApplicationView.vue'),
    meta: officer(keyOnly),
    beforeEnter,
  },
  {
    path: '/certdesk/key-required',
    name: 'certdesk-key-required',
    component: () => import('../common/KeyRequiredView.vue'),
    meta: officer({ keyPages }),
  },
  {
    path: '/certdesk/keys',
    name: 'certdesk-keys',
    component: () => import('../common/KeysView.vue'),
    meta: officer({ keyPages }),
  },
]
