import { createApp } from 'vue'
import App from './App.vue'
import { i18n } from './i18n/index.js'
import { router } from './router.js'
import { registerServiceWorker } from './app/pwa.js'
import './styles.css'

// index.html's splash reaches the screen before the app's start-up work (the first screen's
// chunks, the session, mounting) takes the main thread: on a slow phone that work would otherwise
// keep the page blank. One frame, then start (a hidden tab gets no frames: the timeout starts it).
function afterFirstFrame() {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 200)
    requestAnimationFrame(() =>
      setTimeout(() => {
        clearTimeout(timer)
        resolve()
      }),
    )
  })
}

afterFirstFrame().then(() => {
  const app = createApp(App).use(i18n).use(router)
  // Keep the splash until the first screen (session restored, its chunk loaded) can replace it,
  // instead of flashing an empty frame in between.
  router.isReady().then(() => app.mount('#app'))
  // The icon font's @font-face (see vite-plugins/vant-icon-font.js), after the first paint.
  import('virtual:vant-icon-font.css')
  registerServiceWorker()
})
