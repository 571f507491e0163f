// A desk screen's live reload: a burst of announcements (approve = e-record + review; complete =
// status + inspection.completed), the window regaining focus or the tab becoming visible again
// cause one reload, 150 ms after the last. Call from a screen's setup: it listens from mount to
// unmount. `subscribe(reloadSoon)` subscribes the screen's messages (realtime.js onMessage) and
// returns their unsubscribe functions; it runs at mount, before the screen's own onMounted.
import { onBeforeUnmount, onMounted } from 'vue'

export const RELOAD_DELAY_MS = 150

export function useReloadSoon(load, subscribe = () => []) {
  let pending = null
  const reloadSoon = () => {
    clearTimeout(pending)
    pending = setTimeout(() => load(), RELOAD_DELAY_MS)
  }
  const onVisible = () => document.visibilityState === 'visible' && reloadSoon()
  let unsubscribe = []

  onMounted(() => {
    unsubscribe = subscribe(reloadSoon)
    window.addEventListener('focus', reloadSoon)
    document.addEventListener('visibilitychange', onVisible)
  })
  onBeforeUnmount(() => {
    unsubscribe.forEach((off) => off())
    window.removeEventListener('focus', reloadSoon)
    document.removeEventListener('visibilitychange', onVisible)
    clearTimeout(pending)
  })
  return reloadSoon
}
