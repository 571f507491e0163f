import { createApp } from 'vue'
import App from './App.vue'
import { i18n } from './i18n/index.js'
import { router } from './router.js'
import { registerServiceWorker } from './app/pwa.js'
import './styles.css'

const app = createApp(App).use(i18n).use(router)
// Keep index.html's splash until the first screen (session restored, its chunk loaded) can
// replace it, instead of flashing an empty frame in between.
router.isReady().then(() => app.mount('#app'))
// The icon font loads after the first paint (see vite-plugins/vant-icon-font.js).
import('virtual:vant-icon-font.css')
registerServiceWorker()
