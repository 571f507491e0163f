// The "new version available" logic, apart from any UI so it can be unit-tested. A new service
// worker waits (registerType "prompt"); it takes over only when the user accepts, and the page
// then reloads once. Until then the running version keeps working, online or not.
import { createEmitter } from '../sync/emitter.js'

export const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000

/**
 * `register` is vite-plugin-pwa's registerSW (from "virtual:pwa-register"): it takes callbacks
 * and returns `updateSW(reloadPage)`. `every(fn, ms)` schedules the periodic update check.
 */
export function createUpdatePrompt({ register, checkIntervalMs = UPDATE_CHECK_INTERVAL_MS, every = (fn, ms) => setInterval(fn, ms) }) {
  const events = createEmitter()
  const state = { needRefresh: false, offlineReady: false, error: null }
  let updateSW = null

  const changed = () => events.emit('change', { ...state })

  function start() {
    updateSW = register({
      immediate: true,
      onNeedRefresh() {
        state.needRefresh = true
        changed()
      },
      onOfflineReady() {
        state.offlineReady = true
        changed()
      },
      onRegisteredSW(_url, registration) {
        // Phones stay open for days: look for a new version now and then, not only on reload.
        if (registration && checkIntervalMs > 0) every(() => registration.update(), checkIntervalMs)
      },
      onRegisterError(error) {
        state.error = error
        changed()
      },
    })
    return updateSW
  }

  /** The user chose "update now": activate the waiting worker; the page reloads. */
  async function accept() {
    if (!updateSW) throw new Error('service worker not registered')
    state.needRefresh = false
    changed()
    await updateSW(true)
  }

  /** The user chose "later": hide the prompt; the new version activates when all tabs close. */
  function dismiss() {
    state.needRefresh = false
    state.offlineReady = false
    changed()
  }

  return { start, accept, dismiss, on: events.on, get state() {
    return { ...state }
  } }
}
