// Render from the device first, then go live: a list screen shows what IndexedDB holds at once,
// then asks the server and stores the answer for the next offline start.
import { onMounted, reactive } from 'vue'
import { appDb, kvGet, kvSet, listRecords, upsertFromServer } from '../db/index.js'
import { isEndpointMissing } from '../api/client.js'
import { OfflineError } from '../sync/errors.js'
import { api } from './api.js'

/**
 * `type`: the record type in the records store; `endpoint`: the list API (answers an array or
 * `{ items: [...] }`).
 */
export function useLocalFirstList({ type, endpoint }) {
  const state = reactive({ items: [], loadingLocal: true, loadingRemote: false, endpointMissing: false, offline: false, error: null, lastSyncedAt: null })

  async function readLocal() {
    const db = await appDb()
    state.items = (await listRecords(db, type)).map((record) => ({ localId: record.id, ...record.data, dirty: record.dirty }))
    state.lastSyncedAt = (await kvGet(db, `synced:${type}`)) ?? null
    state.loadingLocal = false
  }

  async function readRemote() {
    state.loadingRemote = true
    state.error = null
    try {
      const body = await api.get(endpoint)
      const rows = Array.isArray(body) ? body : (body?.items ?? [])
      const db = await appDb()
      await upsertFromServer(db, type, rows)
      await kvSet(db, `synced:${type}`, Date.now())
      state.endpointMissing = false
      state.offline = false
      await readLocal()
    } catch (error) {
      if (isEndpointMissing(error)) state.endpointMissing = true
      else if (error instanceof OfflineError) state.offline = true
      else state.error = error
    } finally {
      state.loadingRemote = false
    }
  }

  async function reload() {
    await readLocal()
    await readRemote()
  }

  onMounted(reload)
  return { state, reload }
}
