// The published signing keys, kept on the device (IndexedDB kv store) so seals verify offline.
// Keys are only ever added (a rotation retires a key but keeps it published), so a cached list
// stays right for every certificate sealed before it was fetched.
import { kvGet, kvSet } from '../db/kv.js'

export const KEYS_URL = '/api/v1/certificates/keys'
export const KEYS_CACHE_KEY = 'verify.publicKeys'

/** The cached { keys, fetchedAt } or null. */
export async function cachedKeys(db) {
  return (await kvGet(db, KEYS_CACHE_KEY)) ?? null
}

/** Fetch the keys from the server and cache them; throws when the server cannot be reached. */
export async function refreshKeys(db, { fetchImpl = (...args) => globalThis.fetch(...args), now = () => Date.now() } = {}) {
  const response = await fetchImpl(KEYS_URL, { headers: { Accept: 'application/json' }, cache: 'no-cache' })
  if (!response.ok) throw new Error(`HTTP ${response.status}`)
  const body = await response.json()
  const keys = (body?.keys ?? []).map(({ key_id, district_code, district_name_zh, district_name_en, public_key, status, valid_from, valid_until }) => ({
    key_id, district_code, district_name_zh, district_name_en, public_key, status, valid_from, valid_until,
  }))
  const entry = { keys, fetchedAt: now() }
  await kvSet(db, KEYS_CACHE_KEY, entry)
  return entry
}

/**
 * Keys to verify with: fresh from the server when it answers, else the cached copy.
 * Resolves to { keys, fetchedAt, fromCache } (keys empty when never fetched and offline).
 */
export async function loadKeys(db, options = {}) {
  try {
    return { ...(await refreshKeys(db, options)), fromCache: false }
  } catch {
    const cached = await cachedKeys(db)
    return { keys: cached?.keys ?? [], fetchedAt: cached?.fetchedAt ?? null, fromCache: true }
  }
}
