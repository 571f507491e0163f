// Encoding photos on the phone (WebP, else JPEG; quality stepped down to the size target) and the
// camera's EXIF evidence read before the re-encode drops it. The canvas is mocked: Node has none.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { MIN_QUALITY, START_QUALITY, TARGET_BYTES, encodeCanvas, fitWithin, preparePhoto } from '../src/components/inspector/imaging.js'
import { cameraExif, exifFromTags, exifTime } from '../src/components/inspector/camera-exif.js'
import { sha256Hex } from '../src/sync/hash.js'

const KB = 1024
const fixture = (name) => {
  const bytes = readFileSync(new URL(`./fixtures/${name}`, import.meta.url))
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)
}

/** A canvas.toBlob stand-in: `sizeAt(type, quality)` bytes of `answers(type)` type; records each call. */
function fakeEncoder({ sizeAt, answers = (type) => type }) {
  const calls = []
  const toBlob = async (canvas, type, quality) => {
    calls.push([type, quality])
    const made = answers(type)
    return made ? new Blob([new Uint8Array(sizeAt(made, quality))], { type: made }) : null
  }
  return { toBlob, calls }
}

describe('encodeCanvas', () => {
  it('keeps a WebP at the starting quality when it is small enough', async () => {
    const { toBlob, calls } = fakeEncoder({ sizeAt: () => 150 * KB })
    const result = await encodeCanvas({}, { toBlob })
    expect(result.type).toBe('image/webp')
    expect(result.blob.type).toBe('image/webp')
    expect(result.quality).toBe(START_QUALITY)
    expect(calls).toEqual([['image/webp', 0.8]])
  })

  it('steps the quality down by tenths until the photo fits the target', async () => {
    const sizes = { 0.8: 260 * KB, 0.7: 210 * KB, 0.6: 170 * KB }
    const { toBlob, calls } = fakeEncoder({ sizeAt: (type, q) => sizes[q] })
    const result = await encodeCanvas({}, { toBlob })
    expect(calls.map(([, q]) => q)).toEqual([0.8, 0.7, 0.6])
    expect(result.quality).toBe(0.6)
    expect(result.blob.size).toBeLessThanOrEqual(TARGET_BYTES)
    expect(result.attempts).toBe(3)
  })

  it('never goes below the minimum quality, keeping a large but legible photo', async () => {
    const { toBlob, calls } = fakeEncoder({ sizeAt: (type, q) => Math.round(q * 600 * KB) })
    const result = await encodeCanvas({}, { toBlob })
    expect(calls.map(([, q]) => q)).toEqual([0.8, 0.7, 0.6, 0.5])
    expect(result.quality).toBe(MIN_QUALITY)
    expect(result.blob.size).toBe(300 * KB)
  })

  it('falls back to JPEG when the browser answers a WebP request with another type (Safari: PNG)', async () => {
    const { toBlob, calls } = fakeEncoder({ sizeAt: (type, q) => (q > 0.75 ? 190 * KB : 120 * KB), answers: (type) => (type === 'image/webp' ? 'image/png' : type) })
    const result = await encodeCanvas({}, { toBlob })
    expect(result.type).toBe('image/jpeg')
    expect(result.blob.type).toBe('image/jpeg')
    expect(calls).toEqual([['image/webp', 0.8], ['image/jpeg', 0.8], ['image/jpeg', 0.7]])
  })

  it('falls back to JPEG when WebP encoding gives nothing, and fails plainly when nothing encodes', async () => {
    const jpegOnly = fakeEncoder({ sizeAt: () => 100 * KB, answers: (type) => (type === 'image/jpeg' ? type : null) })
    expect((await encodeCanvas({}, { toBlob: jpegOnly.toBlob })).type).toBe('image/jpeg')
    const none = fakeEncoder({ sizeAt: () => 1, answers: () => null })
    await expect(encodeCanvas({}, { toBlob: none.toBlob })).rejects.toThrow('cannot encode')
  })

  it('fits 12-megapixel camera sizes within 1600 px on the long side', () => {
    expect(fitWithin(4000, 3000)).toEqual({ width: 1600, height: 1200 })
    expect(fitWithin(3000, 4000)).toEqual({ width: 1200, height: 1600 })
    expect(fitWithin(800, 600)).toEqual({ width: 800, height: 600 })
  })
})

describe('camera EXIF', () => {
  it('reads make, model, time with offset and GPS from a camera JPEG', async () => {
    expect(await cameraExif(fixture('camera-exif.jpg'))).toEqual({
      make: 'HUAWEI',
      model: 'P60 Pro',
      taken_at: '2026-11-27T15:30:05+08:00',
      gps: { lat: 22.5417, lon: 113.9458, alt: 12.5 },
    })
  })

  it('signs southern and western positions and altitudes below sea level; no offset, no model', async () => {
    expect(await cameraExif(fixture('camera-south-west.jpg'))).toEqual({
      make: 'Xiaomi',
      model: null,
      taken_at: '2026-11-27T09:01:02',
      gps: { lat: -33.8688, lon: -151.2093, alt: -5 },
    })
  })

  it('gives null for a file without EXIF or that is no image at all', async () => {
    expect(await cameraExif(new TextEncoder().encode('not a photo').buffer)).toBeNull()
    expect(await cameraExif(new ArrayBuffer(0))).toBeNull()
  })

  it('shapes odd values as the server accepts them', () => {
    const exif = exifFromTags({ 271: 'Canon\u0000\u0000', 272: 'x'.repeat(150), 36867: '0000:00:00 00:00:00', latitude: 95, longitude: 10 })
    expect(exif).toEqual({ make: 'Canon', model: 'x'.repeat(100), taken_at: null, gps: null })
    expect(exifFromTags({ 306: '2026:11:27 08:00:00', 36881: 'local', latitude: 1, longitude: 2, 6: 99999 })).toEqual({
      make: null,
      model: null,
      taken_at: '2026-11-27T08:00:00',
      gps: { lat: 1, lon: 2, alt: null },
    })
    expect(exifFromTags({})).toBeNull()
    expect(exifFromTags(undefined)).toBeNull()
    expect(exifTime('2026:11:27 15:30:05', '-03:30')).toBe('2026-11-27T15:30:05-03:30')
    expect(exifTime('yesterday')).toBeNull()
  })
})

describe('preparePhoto', () => {
  it('hashes the camera file and the encoded photo separately and carries the EXIF', async () => {
    const camera = new Blob([fixture('camera-exif.jpg')], { type: 'image/jpeg' })
    const encoded = new Blob(['re-encoded webp bytes'], { type: 'image/webp' })
    const photo = await preparePhoto(camera, { encode: async () => ({ blob: encoded, type: 'image/webp', quality: 0.8, width: 64, height: 48 }) })
    expect(photo.sha256).toBe(await sha256Hex(encoded))
    expect(photo.originalSha256).toBe(await sha256Hex(camera))
    expect(photo.originalSha256).not.toBe(photo.sha256)
    expect(photo.exif.make).toBe('HUAWEI')
    expect(photo).toMatchObject({ type: 'image/webp', width: 64, height: 48, blob: encoded })
  })
})
