// The inspector's field sync (docs/sync.md): pull the instructions into the device, turn what the
// inspector records into push operations with the right base versions, read the push answers.
// No DOM, no Vue.
import { STORES, newId } from '../db/schema.js'
import { kvGet } from '../db/kv.js'

export const INSTRUCTION = 'instruction'
export const PUSH_URL = '/api/v1/sync/push'
const CURSOR_KEY = 'cursor:sync-pull'
export const CATALOGS_KEY = 'field.catalogs'
const CATALOG_VERSION_KEY = 'field.catalogVersion'
const DEVICE_KEY = 'field.deviceId'

/** The outbox recordId of an instruction's operations: they go in order and wait behind a conflict. */
export const recordIdOf = (instructionId) => `instruction:${instructionId}`

/** This device's stable id, generated once. */
export async function deviceId(db) {
  let id = await kvGet(db, DEVICE_KEY)
  if (!id) {
    id = `pwa-${newId()}`
    await db.put(STORES.kv, id, DEVICE_KEY)
  }
  return id
}

/**
 * Read the pull feed into the records store (type "instruction", serverId = instruction id).
 * `request(method, path)` resolves to { status, data }. Instructions with unsent outbox entries
 * keep their local copy (their versions are the base of those entries); tombstones delete.
 * Returns { changed, cursor }.
 */
export async function pullInstructions(db, { request, device, limit = 50, maxPages = 40 }) {
  let cursor = (await kvGet(db, CURSOR_KEY)) ?? 0
  let changed = 0
  for (let page = 0; page < maxPages; page += 1) {
    const catalogVersion = (await kvGet(db, CATALOG_VERSION_KEY)) ?? ''
    const query = new URLSearchParams({ device_id: device, cursor: String(cursor), limit: String(limit) })
    if (catalogVersion) query.set('catalog_version', catalogVersion)
    const answer = await request('GET', `/api/v1/sync/pull?${query}`)
    if (answer.status < 200 || answer.status >= 300) {
      const error = new Error(answer.data?.message || `HTTP ${answer.status}`)
      error.status = answer.status
      throw error
    }
    const body = answer.data
    const pending = await pendingRecords(db)
    const tx = db.transaction([STORES.records, STORES.kv], 'readwrite')
    const records = tx.objectStore(STORES.records)
    const index = records.index('by_server_id')
    for (const change of body.changes ?? []) {
      const existing = await index.get([INSTRUCTION, change.instruction_id])
      if (pending.has(recordIdOf(change.instruction_id))) continue
      if (change.removed) {
        if (existing) await records.delete(existing.id)
      } else {
        await records.put({ id: existing?.id ?? newId(), type: INSTRUCTION, serverId: change.instruction_id, data: change.instruction, dirty: false, updatedAt: Date.now() })
      }
      changed += 1
    }
    const kv = tx.objectStore(STORES.kv)
    if (body.catalogs) {
      await kv.put(body.catalogs, CATALOGS_KEY)
      await kv.put(body.catalog_version, CATALOG_VERSION_KEY)
    }
    await kv.put(body.next_cursor, CURSOR_KEY)
    await kv.put(body.server_time ?? new Date().toISOString(), 'synced:instruction')
    await tx.done
    cursor = body.next_cursor
    if (!body.has_more) break
  }
  return { changed, cursor }
}

/** The records (instructions) with entries in the outbox: one step per record, not per entry. */
async function pendingRecords(db) {
  const records = new Set()
  const tx = db.transaction(STORES.outbox)
  let cursor = await tx.store.index('by_record').openKeyCursor(null, 'nextunique')
  while (cursor) {
    records.add(cursor.key)
    cursor = await cursor.continue()
  }
  await tx.done
  return records
}

/** Which versioned thing an operation changes (operations on one target count up its version). */
export function targetKey(op) {
  const { instruction_id: instructionId, item_id: itemId } = op.target
  switch (op.type) {
    case 'item_result.set':
      return `item:${instructionId}:${itemId}`
    case 'conclusion.set':
      return `conclusion:${instructionId}`
    case 'disposition.set':
      return `disposition:${instructionId}`
    case 'signature.set':
      return `signature:${instructionId}`
    case 'sample.add':
    case 'photo.declare':
    case 'photo.attach':
      return null // they create: no base version
    default:
      return `instruction:${instructionId}`
  }
}

/** The version of an operation's target in a pulled instruction document (0: nothing recorded yet). */
export function knownVersion(doc, op) {
  const inspection = doc?.inspection ?? null
  switch (op.type) {
    case 'item_result.set':
      return inspection?.item_results?.find((row) => row.item_id === op.target.item_id)?.version ?? 0
    case 'conclusion.set':
      return inspection?.conclusion_version ?? 0
    case 'disposition.set':
      return inspection?.disposition_version ?? 0
    case 'signature.set':
      return inspection?.signature_version ?? 0
    default:
      return doc?.version ?? 0
  }
}

/**
 * The base version to send: the version last pulled plus one for each of this device's own
 * operations on the same target still waiting in the outbox (docs/sync.md, Versions).
 */
export function baseVersion(doc, op, outboxEntries) {
  const key = targetKey(op)
  if (key === null) return null
  const mine = outboxEntries.filter((entry) => entry.kind === 'op' && entry.body && targetKey(entry.body) === key).length
  return knownVersion(doc, op) + mine
}

/** Write an applied result's new version into the local document, so later bases stay right. */
export function applyVersion(doc, op, version) {
  if (!doc || version == null) return doc
  const next = structuredClone(doc)
  next.inspection = next.inspection ?? { item_results: [], conclusion_version: 0, disposition_version: 0, signature_version: 0, samples: [], photos: [] }
  switch (op.type) {
    case 'item_result.set': {
      const rows = next.inspection.item_results ?? (next.inspection.item_results = [])
      const row = rows.find((r) => r.item_id === op.target.item_id)
      const content = { item_id: op.target.item_id, ...op.body, version }
      if (row) Object.assign(row, content)
      else rows.push(content)
      break
    }
    case 'conclusion.set':
      next.inspection.conclusion_version = version
      next.inspection.conclusion = op.body.conclusion
      break
    case 'disposition.set':
      next.inspection.disposition_version = version
      next.inspection.disposition = op.body
      break
    case 'signature.set':
      next.inspection.signature_version = version
      break
    case 'sample.add':
    case 'photo.declare':
    case 'photo.attach':
      break
    default:
      next.version = version
  }
  return next
}

/** One queued operation as the push sends it (`op_id` is the entry's id: the idempotency key). */
export function pushOperation(entry, photoId = null) {
  const op = { op_id: entry.id, ...entry.body }
  if (op.type === 'photo.attach') op.target = { ...op.target, photo_id: photoId }
  return op
}

/** The request body of one queued operation. */
export function pushBody(device, entry, photoId = null) {
  return { device_id: device, operations: [pushOperation(entry, photoId)] }
}

/**
 * The request body of a batch of queued operations, in queue order (the server applies each
 * instruction's operations in batch order). `photoIds` maps an entry id to its uploaded photo's
 * server id (photo links).
 */
export function pushBatchBody(device, entries, photoIds = new Map()) {
  return { device_id: device, operations: entries.map((entry) => pushOperation(entry, photoIds.get(entry.id) ?? null)) }
}

/**
 * What a one-operation push answer means for the outbox: applied (or replayed) → sent; a conflict
 * or a rejection → "conflict" for a person to decide; a photo link whose upload is not there yet
 * → retry. Batches read each result with sync/outboxProcessor.js interpretResult.
 */
export function interpretPush(response) {
  if (response.status < 200 || response.status >= 300) return undefined
  const result = response.data?.results?.[0]
  if (!result) return { outcome: 'retry', problem: { kind: 'sync', error: 'sync.no_result' } }
  if (result.status === 'applied') return { outcome: 'sent' }
  if (result.status === 'skipped' || result.error === 'inspection.photo_not_found') {
    return { outcome: 'retry', problem: { kind: 'sync', ...result } }
  }
  return { outcome: 'conflict', problem: { kind: 'sync', ...result } }
}

/** The operations "keep mine" sends again: same content, new id, based on the server's version. */
export function keepMineChanges(entry, serverVersion, newOpId = newId()) {
  return { id: newOpId, body: { ...entry.body, base_version: serverVersion } }
}
