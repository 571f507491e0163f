// Pull cursors: where this device stopped reading a server change feed, kept in the kv store so
// a restart resumes from there. Records and the cursor are written in one transaction, so the
// cursor never runs ahead of the data.
import { STORES } from '../db/schema.js'
import { kvGet } from '../db/kv.js'
import { upsertFromServer } from '../db/records.js'

const cursorKey = (feed) => `cursor:${feed}`

export const getCursor = (db, feed) => kvGet(db, cursorKey(feed))

/**
 * Read a change feed page by page into the records store.
 *
 * `fetchPage(cursor)` (network, outside any transaction) resolves to
 * `{ items: [...server rows with id], next_cursor, has_more }`. Returns how many rows were stored.
 */
export async function pullFeed(db, { feed, type, fetchPage, maxPages = 50 }) {
  let cursor = (await getCursor(db, feed)) ?? null
  let stored = 0
  for (let page = 0; page < maxPages; page += 1) {
    const { items = [], next_cursor: nextCursor = cursor, has_more: hasMore = false } = await fetchPage(cursor)
    await upsertFromServer(db, type, items, {
      extraStores: [STORES.kv],
      inTransaction: (tx) => tx.objectStore(STORES.kv).put(nextCursor, cursorKey(feed)),
    })
    stored += items.length
    cursor = nextCursor
    if (!hasMore) break
  }
  return { stored, cursor }
}
