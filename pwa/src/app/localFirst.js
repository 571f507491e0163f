// Render from the device first, then go live: a list screen shows the copy it kept in IndexedDB (kv)
// at once, then asks the server and keeps the first page of the answer for the next offline start.
import { onMounted, reactive } from 'vue'
import { appDb, kvGet, kvSet } from '../db/index.js'
import { OfflineError } from '../sync/errors.js'

/**
 * `key()`: the kv key of the kept copy (per user where a shared device must not show one user's
 * list to the next); `fetchPage({ cursor, more })`: one page from the server, `{ items, next, ...rest }`
 * (`rest`, e.g. `complete`, lands in the state and in the kept copy); `keep()`: whether this answer
 * may replace the kept copy (e.g. not while filters narrow it); `onLoaded()`: after each answer
 * of the server; `initial`: extra state fields. `load({ more })` resolves true when the server answered. The state: `items`, `next`, `loading`,
 * `loadingMore`, `offline`, `error` (the message, '' when none), `savedAt` (when the server last
 * answered, or when the kept copy was).
 */
export function useLocalFirstList({ key, fetchPage, keep = () => true, onLoaded = () => {}, initial = {} }) {
  const state = reactive({ items: [], next: null, loading: false, loadingMore: false, offline: false, error: '', savedAt: null, ...initial })

  async function readLocal() {
    const kept = await kvGet(await appDb(), key())
    if (!kept || state.items.length) return
    const { items, savedAt, ...rest } = kept
    Object.assign(state, rest, { items, savedAt })
  }

  async function load({ more = false } = {}) {
    state[more ? 'loadingMore' : 'loading'] = true
    state.error = ''
    try {
      const { items, next = null, ...rest } = await fetchPage({ cursor: more ? state.next : null, more })
      Object.assign(state, rest, { items: more ? [...state.items, ...items] : items, next, offline: false, savedAt: Date.now() })
      // Plain copies: IndexedDB cannot clone Vue's reactive proxies.
      if (!more && keep()) await kvSet(await appDb(), key(), JSON.parse(JSON.stringify({ ...rest, items, savedAt: state.savedAt })))
      onLoaded()
      return true
    } catch (error) {
      if (error instanceof OfflineError) state.offline = true
      else state.error = error.message
      return false
    } finally {
      state.loading = false
      state.loadingMore = false
    }
  }

  onMounted(async () => {
    await readLocal()
    await load()
  })
  return { state, load }
}
