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
]

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
