// The device database: one schema (schema.js) and small modules per store.
export { DB_NAME, DB_VERSION, SCHEMA_UPGRADES, STORES, appDb, openAppDb, deleteAppDb, newId } from './schema.js'
export * from './kv.js'
export * from './records.js'
export * from './photos.js'
export * from './outboxStore.js'
