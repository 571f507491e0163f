// Local copies of domain objects (instructions, declarations, inspections…), one store for all
// types, keyed by a client-generated id; `serverId` links a record to the server's row once known.
import { STORES, newId } from './schema.js'

/** Store (insert or replace) a record; fills in id and updatedAt. Returns the stored record. */
export async function putRecord(db, record) {
  const stored = { ...record, id: record.id ?? newId(), updatedAt: record.updatedAt ?? Date.now() }
  if (!stored.type) throw new TypeError('record.type is required')
  await db.put(STORES.records, stored)
  return stored
}

export const getRecord = (db, id) => db.get(STORES.records, id)

export const deleteRecord = (db, id) => db.delete(STORES.records, id)

/** Every record of one type, newest change first. */
export async function listRecords(db, type) {
  const rows = await db.getAllFromIndex(STORES.records, 'by_type', type)
  return rows.sort((a, b) => b.updatedAt - a.updatedAt)
}

/** The local record for a server row of `type`, if any. */
export function findByServerId(db, type, serverId) {
  return db.getFromIndex(STORES.records, 'by_server_id', [type, serverId])
}

/**
 * Merge server rows into the local store in one transaction, keeping each row's local id.
 * Rows with unsent local changes (`dirty`) are left alone: the outbox will send them first.
 */
export async function upsertFromServer(db, type, rows, { extraStores = [], inTransaction } = {}) {
  const tx = db.transaction([STORES.records, ...extraStores], 'readwrite')
  const store = tx.objectStore(STORES.records)
  const index = store.index('by_server_id')
  for (const row of rows) {
    const existing = await index.get([type, row.id])
    if (existing?.dirty) continue
    await store.put({
      id: existing?.id ?? newId(),
      type,
      serverId: row.id,
      data: row,
      dirty: false,
      updatedAt: Date.now(),
    })
  }
  if (inTransaction) await inTransaction(tx)
  await tx.done
}
