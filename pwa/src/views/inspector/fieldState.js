// The inspector's field work on the device: instructions pulled into IndexedDB and the local copy kept
// in step with what the outbox sends. Part of the inspector's shell (the task list): what only the
// task screens need (drafts, the rules, the operations, conflicts and repairs) is in recording.js.
import { reactive } from 'vue'
import { appDb, findByServerId, kvGet, listRecords, putRecord } from '../../db/index.js'
import { api } from '../../app/api.js'
import { onOutboxEvent, outboxState } from '../../app/outboxState.js'
import { CATALOGS_KEY, INSTRUCTION, applyVersion, deviceId, pullInstructions } from '../../sync/fieldProtocol.js'
import { OfflineError } from '../../sync/errors.js'

export { expectedStatus } from './taskState.js'

export const field = reactive({ instructions: [], catalogs: null, loaded: false, pulling: false, offline: false, error: null, lastSyncedAt: null })

export async function loadLocal() {
  const db = await appDb()
  field.instructions = (await listRecords(db, INSTRUCTION)).map((record) => record.data).sort((a, b) => b.id - a.id)
  field.catalogs = (await kvGet(db, CATALOGS_KEY)) ?? null
  field.lastSyncedAt = (await kvGet(db, 'synced:instruction')) ?? null
  field.loaded = true
}

let pulling = null
/** Download what changed for this inspector (instructions, catalogs) into the device. */
export function pull() {
  if (!pulling) {
    pulling = (async () => {
      field.pulling = true
      field.error = null
      try {
        const db = await appDb()
        await pullInstructions(db, { request: (method, path) => api.send(method, path), device: await deviceId(db) })
        field.offline = false
      } catch (error) {
        if (error instanceof OfflineError) field.offline = true
        else field.error = error
      } finally {
        field.pulling = false
        await loadLocal()
        pulling = null
      }
    })()
  }
  return pulling
}

export async function instructionDoc(instructionId) {
  const db = await appDb()
  return (await findByServerId(db, INSTRUCTION, instructionId))?.data ?? null
}

export async function saveDoc(instructionId, doc) {
  const db = await appDb()
  const record = await findByServerId(db, INSTRUCTION, instructionId)
  if (record) await putRecord(db, { ...record, data: doc, updatedAt: Date.now() })
}

/** Outbox entries the server answered with a conflict (or refused), oldest first. */
export const conflictEntries = () => outboxState.conflicts

// An applied operation moved its target's version on: keep the local copy in step, so the next
// operation on it is based on the right version; when everything went, read the server's state.
onOutboxEvent('sent', async ({ entry, data }) => {
  if (entry.kind !== 'op') return
  const results = data?.results ?? []
  const result = results.find((r) => r.op_id === entry.id) ?? (results.length === 1 ? results[0] : null)
  const instructionId = entry.body.target.instruction_id
  const doc = await instructionDoc(instructionId)
  if (!doc || result?.version == null) return
  const next = applyVersion(doc, entry.body, result.version)
  if (result.data?.instruction_status) next.status = result.data.instruction_status // 已分派 → 进行中 without waiting for a pull
  await saveDoc(instructionId, next)
})
onOutboxEvent('idle', () => pull())
