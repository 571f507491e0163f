// The one IndexedDB schema of the app. Every store and index is created here, in numbered
// upgrades that run in order, so a phone that skipped releases still reaches the current schema
// without losing unsent inspection data. Add a new step at the end; never edit a shipped one.
import { openDB, deleteDB } from 'idb'

export const DB_NAME = 'chajian'

export const STORES = Object.freeze({
  outbox: 'outbox', // writes waiting for the server, first in first out (auto-increment seq)
  records: 'records', // local copies of domain objects, keyed by a client-generated id
  photos: 'photos', // photo Blobs with their metadata, keyed by a client-generated id
  kv: 'kv', // small values: tokens, the signed-in user, pull cursors
})

const UPGRADES = [
  // 1: the first schema.
  (db) => {
    const outbox = db.createObjectStore(STORES.outbox, { keyPath: 'seq', autoIncrement: true })
    outbox.createIndex('by_id', 'id', { unique: true })
    outbox.createIndex('by_record', 'recordId')
    const records = db.createObjectStore(STORES.records, { keyPath: 'id' })
    records.createIndex('by_type', 'type')
    records.createIndex('by_server_id', ['type', 'serverId'])
    const photos = db.createObjectStore(STORES.photos, { keyPath: 'id' })
    photos.createIndex('by_record', 'recordId')
    db.createObjectStore(STORES.kv)
  },
  // 2: the outbox in lanes (data operations, photo uploads, plain REST writes), read through
  // indexes instead of whole-store scans: a day's queue of 1,000 entries costs what 10 did.
  // Entries written by step 1 get their lane, target and photo from what they already carry.
  (db, transaction) => {
    const outbox = transaction.objectStore(STORES.outbox)
    outbox.createIndex('by_lane', 'lane') // within one key, entries come in seq (primary key) order
    outbox.createIndex('by_target', 'targetKey') // a sync operation's versioned target
    outbox.createIndex('by_photo', 'photoId') // a photo's upload and its link
    outbox.createIndex('by_queue_state', 'state') // conflicts without reading the whole queue
    const backfill = (cursor) => {
      if (!cursor) return
      cursor.update({ ...cursor.value, ...laneFieldsV2(cursor.value) })
      return cursor.continue().then(backfill)
    }
    return outbox.openCursor().then(backfill)
  },
]

// Step 2's view of an entry: a frozen copy of sync/fieldProtocol.js targetKey as it was when the step
// shipped (a shipped step never changes, even when new operation types come).
function laneFieldsV2({ kind = null, body = null, meta = null }) {
  const lane = kind === 'upload' ? 'photo' : kind === 'op' ? 'data' : 'rest'
  let targetKey = null
  if (kind === 'op' && body?.target) {
    const { instruction_id: instructionId, item_id: itemId } = body.target
    const keys = {
      'item_result.set': `item:${instructionId}:${itemId}`,
      'conclusion.set': `conclusion:${instructionId}`,
      'disposition.set': `disposition:${instructionId}`,
      'signature.set': `signature:${instructionId}`,
      'sample.add': null,
      'photo.attach': null,
    }
    targetKey = body.type in keys ? keys[body.type] : `instruction:${instructionId}`
  }
  return { lane, targetKey, photoId: meta?.photoId ?? null, photoReady: false }
}

export const DB_VERSION = UPGRADES.length

/** The upgrade steps, in order (exported for the upgrade test). */
export const SCHEMA_UPGRADES = Object.freeze([...UPGRADES])

/**
 * Open (and upgrade when needed) the app database. `name` and `upgrades` let tests use a fresh
 * database and a future schema.
 */
export function openAppDb({ name = DB_NAME, upgrades = UPGRADES, onBlocking } = {}) {
  return openDB(name, upgrades.length, {
    upgrade(db, oldVersion, newVersion, transaction) {
      for (let step = oldVersion; step < newVersion; step += 1) {
        upgrades[step](db, transaction)
      }
    },
    // Another tab holds an older version open: let it go so this upgrade can proceed.
    blocking() {
      if (onBlocking) onBlocking()
    },
  })
}

/** Delete the whole database (tests and "reset this device" only). */
export function deleteAppDb(name = DB_NAME) {
  return deleteDB(name)
}

let shared = null

/** The app's shared connection, opened once. */
export function appDb() {
  if (!shared) {
    shared = openAppDb({
      onBlocking: () => {
        shared?.then((db) => db.close())
        shared = null
      },
    })
  }
  return shared
}

/** A client-generated id (records, outbox entries, photos): unique without asking the server. */
export function newId() {
  return globalThis.crypto.randomUUID()
}
