// Photos leave the phone once the server has them (issue 10): after the upload completed AND the
// link was applied, only a thumbnail stays; never before both.
import { describe, expect, it } from 'vitest'
import { getPhoto, photoStats, putPhoto } from '../src/db/photos.js'
import { markLinked, markUploaded, releaseWhenDone } from '../src/sync/release.js'
import { freshDb } from './helpers.js'

const full = () => new Blob([new Uint8Array(200_000)], { type: 'image/jpeg' })
const thumb = async () => new Blob([new Uint8Array(9_000)], { type: 'image/jpeg' })

async function stored(db) {
  return putPhoto(db, { blob: full(), recordId: 'instruction:1', meta: { sha256: 'f'.repeat(64), width: 1600, height: 1200 } })
}

describe('releasing sent photos', () => {
  it('keeps the full photo while only the upload is done', async () => {
    const db = await freshDb()
    const photo = await stored(db)
    await markUploaded(db, photo.id, { id: 77, sha256: 'f'.repeat(64) })
    expect(await releaseWhenDone(db, photo.id, { makeThumbnail: thumb })).toBeNull()
    expect((await getPhoto(db, photo.id)).size).toBe(200_000)
  })

  it('keeps the full photo while only the link is applied (its upload not confirmed)', async () => {
    const db = await freshDb()
    const photo = await stored(db)
    expect(await markLinked(db, photo.id, { makeThumbnail: thumb })).toBeNull()
    const kept = await getPhoto(db, photo.id)
    expect(kept.size).toBe(200_000)
    expect(kept.meta.released).toBeUndefined()
  })

  it('after upload and link, keeps a thumbnail with the hashes and the server id', async () => {
    const db = await freshDb()
    const photo = await stored(db)
    await markUploaded(db, photo.id, { id: 77, sha256: 'f'.repeat(64) })
    const released = await markLinked(db, photo.id, { serverPhotoId: 77, makeThumbnail: thumb })
    expect(released.size).toBe(9_000)
    const kept = await getPhoto(db, photo.id)
    expect(kept.blob.size).toBe(9_000)
    expect(kept.meta).toMatchObject({ released: true, serverPhotoId: 77, sha256: 'f'.repeat(64), width: 1600, height: 1200, fullSize: 200_000, linked: true })
    expect(await photoStats(db)).toEqual({ full: 0, fullBytes: 0, released: 1, releasedBytes: 9_000 })
  })

  it('keeps the full photo when no thumbnail can be made', async () => {
    const db = await freshDb()
    const photo = await stored(db)
    await markUploaded(db, photo.id, { id: 77 })
    const failing = async () => {
      throw new Error('no canvas')
    }
    expect(await markLinked(db, photo.id, { makeThumbnail: failing })).toBeNull()
    expect((await getPhoto(db, photo.id)).size).toBe(200_000)
    expect(await photoStats(db)).toEqual({ full: 1, fullBytes: 200_000, released: 0, releasedBytes: 0 })
  })
})
