// Persistent storage: without it the browser may evict IndexedDB (unsent inspections!) under
// storage pressure. Ask for it and tell the user when the browser says no.

async function estimate() {
  try {
    const { usage = null, quota = null } = (await navigator.storage.estimate?.()) ?? {}
    return { usage, quota }
  } catch {
    return { usage: null, quota: null }
  }
}

export async function storageStatus() {
  if (!navigator.storage?.persisted) return { supported: false, persisted: false, refused: false, usage: null, quota: null }
  const persisted = await navigator.storage.persisted()
  return { supported: true, persisted, refused: !persisted, ...(await estimate()) }
}

/** Ask the browser to keep our data; resolves to the resulting status. */
export async function requestPersistence() {
  if (!navigator.storage?.persist) return storageStatus()
  const persisted = (await navigator.storage.persisted()) || (await navigator.storage.persist())
  return { supported: true, persisted, refused: !persisted, ...(await estimate()) }
}

let asked = null

/** Ask once per page load (screens that hold unsent data show the answer). */
export function persistenceOnce() {
  if (!asked) asked = requestPersistence().catch(() => ({ supported: false, persisted: false, refused: false, usage: null, quota: null }))
  return asked
}
