// The time a desk list measures waiting and overdue against: now, advanced every minute while the
// screen is shown (and by the screen itself after each load).
import { onBeforeUnmount, onMounted, ref } from 'vue'

export const TICK_MS = 60_000

export function useMinuteClock() {
  const now = ref(Date.now())
  let ticker = null
  onMounted(() => {
    ticker = setInterval(() => (now.value = Date.now()), TICK_MS)
  })
  onBeforeUnmount(() => clearInterval(ticker))
  return now
}
