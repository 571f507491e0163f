import { createApp } from 'vue'
import App from './App.vue'
import { i18n } from './i18n/index.js'
import { router } from './router.js'
import { registerServiceWorker } from './app/pwa.js'
import './styles.css'

createApp(App).use(i18n).use(router).mount('#app')
// The icon font loads after the first paint (see build/vant-icon-font.js).
import('virtual:vant-icon-font.css')
registerServiceWorker()
