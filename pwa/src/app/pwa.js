// Registers the service worker and exposes the update prompt's state to Vue.
import { reactive } from 'vue'
import { createUpdatePrompt } from '../pwa/update.js'

export const updateState = reactive({ needRefresh: false, offlineReady: false })
let prompt = null

export async function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return
  const { registerSW } = await import('virtual:pwa-register')
  prompt = createUpdatePrompt({ register: registerSW })
  prompt.on('change', (state) => Object.assign(updateState, state))
  prompt.start()
}

export const acceptUpdate = () => prompt?.accept()
export const dismissUpdate = () => prompt?.dismiss()
