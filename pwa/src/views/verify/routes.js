// 证书验证 for anyone, without login. /verify/<no>?s=… is the link inside a certificate's QR code:
// without this app the server renders its own page there; once the app is installed its service
// worker answers the link with this screen, which checks the seal offline.
export default [
  {
    path: '/verify',
    name: 'verify',
    component: () => import('./VerifyView.vue'),
    meta: { public: true },
  },
  {
    path: '/verify/:certificateNo',
    name: 'verify-certificate',
    component: () => import('./VerifyView.vue'),
    meta: { public: true },
  },
]
