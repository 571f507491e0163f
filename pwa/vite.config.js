import { fileURLToPath, URL } from 'node:url'
import { readFileSync } from 'node:fs'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { VantResolver } from '@vant/auto-import-resolver'
import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite'
import { VitePWA } from 'vite-plugin-pwa'
import { vantIconFont } from './vite-plugins/vant-icon-font.js'
import { inlineSplashIcon } from './vite-plugins/inline-splash-icon.js'

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'))
const THEME_COLOR = '#1a4f8b'

export default defineConfig({
  define: {
    __APP_VERSION__: JSON.stringify(pkg.version),
    // Every component here (ours, Vant's, the router's) uses the Composition API: drop the
    // Options API from Vue's runtime (smaller, less script to evaluate on slow phones).
    __VUE_OPTIONS_API__: 'false',
  },
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  // `npm run dev`: the API and Socket.IO come from the Flask server (`make run`, port 5000).
  server: {
    proxy: {
      '/api': 'http://localhost:5000',
      '/socket.io': { target: 'http://localhost:5000', ws: true },
      '/healthz': 'http://localhost:5000',
    },
  },
  build: {
    // The manifest lets scripts/shell-size.mjs measure what a role's first screen downloads.
    manifest: true,
    target: 'es2020',
  },
  plugins: [
    vantIconFont(),
    inlineSplashIcon({ file: fileURLToPath(new URL('./public/icons/icon-192.png', import.meta.url)) }),
    vue(),
    // Vant on demand: only the components a template uses, each with its own CSS.
    Components({ resolvers: [VantResolver()], dts: false }),
    // Messages are compiled at build time, so the runtime ships without the message compiler
    // (smaller, and no eval-like code under a strict CSP).
    VueI18nPlugin({
      include: [fileURLToPath(new URL('./src/i18n/locales/**', import.meta.url))],
      runtimeOnly: true,
      compositionOnly: true,
      fullInstall: false,
      dropMessageCompiler: true,
    }),
    VitePWA({
      // "Prompt": a new service worker waits until the user accepts the update, so code never
      // swaps under an inspector in the middle of recording findings.
      registerType: 'prompt',
      injectRegister: false,
      strategies: 'generateSW',
      includeAssets: ['icons/*.png', 'favicon.svg'],
      manifest: {
        id: '/',
        name: '查检 Chajian',
        short_name: '查检',
        description: '出口属地查检与证书云签发 — export inspection at origin and certificate issuance',
        lang: 'zh-CN',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        theme_color: THEME_COLOR,
        background_color: '#ffffff',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // The app shell: every built asset, so any role's screens open offline.
        globPatterns: ['**/*.{js,css,html,png,svg,woff,woff2,ttf,webmanifest}'],
        globIgnores: ['**/.vite/**'],
        navigateFallback: '/index.html',
        // Server routes that must never be answered with the cached shell.
        navigateFallbackDenylist: [/^\/api(\/|$)/, /^\/socket\.io(\/|$)/, /^\/healthz$/, /^\/readyz$/],
        // Only GETs are ever cached (precache + navigation). API data lives in IndexedDB, not in
        // Cache Storage: it is per user and the outbox, not the worker, owns writes.
        runtimeCaching: [],
        // Background Sync: the worker's `sync` event asks the open page to drain its outbox
        // (public/sw-sync.js); the page sends, the worker never does.
        importScripts: ['sw-sync.js'],
        cleanupOutdatedCaches: true,
        clientsClaim: true, // the first install controls the open page at once…
        skipWaiting: false, // …but an update waits for the user's "reload" (SKIP_WAITING message).
        inlineWorkboxRuntime: true,
        sourcemap: false,
      },
      devOptions: { enabled: false },
    }),
  ],
})
