// What both desks of this folder do around their data: load it (all parts at once), say when the
// server cannot be reached, reload on the district's live messages and when the window regains
// focus, and show the live mark once the socket is up.
import { onMounted, reactive, ref } from 'vue'
import { OfflineError } from '../../sync/errors.js'
import { connected, onMessage } from '../../app/realtime.js'
import { useReloadSoon } from '../../components/desk/reloadSoon.js'

/** `fetchAll()` resolves to the fields to put in `state` (which starts as `initial`). */
export function useDesk(initial, fetchAll, messages) {
  const state = reactive({ ...initial, loading: false, offline: false, error: '' })
  const live = ref(false)
  async function load() {
    state.loading = true
    state.error = ''
    try {
      Object.assign(state, await fetchAll(), { offline: false })
    } catch (error) {
      if (error instanceof OfflineError) state.offline = true
      else state.error = error.message
    } finally {
      state.loading = false
    }
  }
  useReloadSoon(load, (reloadSoon) => messages.map((name) => onMessage(name, reloadSoon)))
  onMounted(() => {
    load()
    connected().then(() => (live.value = true))
  })
  return { state, live, load }
}
