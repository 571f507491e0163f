// A fresh, uniquely named IndexedDB (fake-indexeddb) per test.
import { openAppDb } from '../src/db/schema.js'

let counter = 0

export async function freshDb() {
  counter += 1
  return openAppDb({ name: `chajian-test-${process.pid}-${counter}` })
}

/** A manual clock and timer queue, so backoff is tested without waiting. */
export function fakeTime(start = 1_000_000) {
  let now = start
  const timers = new Map()
  let nextHandle = 1
  return {
    now: () => now,
    setTimer(fn, ms) {
      const handle = nextHandle++
      timers.set(handle, { fn, at: now + ms })
      return handle
    },
    clearTimer(handle) {
      timers.delete(handle)
    },
    pending: () => [...timers.values()].map((t) => t.at - now),
    /** Move the clock forward and fire the timers that came due. */
    async advance(ms) {
      now += ms
      for (const [handle, timer] of [...timers]) {
        if (timer.at <= now) {
          timers.delete(handle)
          await timer.fn()
        }
      }
    },
  }
}
