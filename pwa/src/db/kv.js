// Small key/value settings kept on the device: tokens, the signed-in user, pull cursors.
import { STORES } from './schema.js'

export const kvGet = (db, key) => db.get(STORES.kv, key)
export const kvSet = (db, key, value) => db.put(STORES.kv, value, key)
export const kvDelete = (db, key) => db.delete(STORES.kv, key)
