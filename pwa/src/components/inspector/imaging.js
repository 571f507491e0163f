// Photos are made smaller on the phone before they are stored and sent: at most 1600 px on the
// long side, WebP where the browser encodes it (Chrome, Edge, Firefox), JPEG otherwise (Safari's
// canvas answers a WebP request with a PNG). A 12-megapixel camera file (4–6 MB) becomes a photo
// of about 100–200 KB, which matters on a factory's weak mobile signal.
//
// Quality: WebP 0.8 keeps labels, marks and damage legible at 1600 px and makes most camera
// photos 100–180 KB. A photo over TARGET_BYTES (180 KB: fine detail, noise in low light) is
// encoded again 0.1 lower, down to MIN_QUALITY (0.5) and no further — evidence stays readable even
// if that one photo stays larger. So every photo ends at or under 180 KB unless it needed more than
// quality 0.5 allows, and the median of a day's photos stays ≤ 180 KB (issue 10's goal) with at
// most four encodes (about 0.1 s each for 1600 px).
//
// The re-encode drops the camera's EXIF and changes the bytes: preparePhoto() therefore also
// returns the SHA-256 of the camera's own file and its EXIF (camera-exif.js), which travel with
// the photo as its chain of custody. EXIF orientation is applied while decoding.
import { cameraExif } from './camera-exif.js'
import { sha256Hex } from '../../sync/hash.js'

export const MAX_SIDE = 1600
export const START_QUALITY = 0.8
export const MIN_QUALITY = 0.5
export const QUALITY_STEP = 0.1
export const TARGET_BYTES = 180 * 1024

/** Scale (never up) so the long side is at most `maxSide`. */
export function fitWithin(width, height, maxSide = MAX_SIDE) {
  const scale = Math.min(1, maxSide / Math.max(width, height))
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}

const canvasToBlob = (canvas, type, quality) => new Promise((resolve) => canvas.toBlob(resolve, type, quality))

/**
 * Encode a drawn canvas: WebP when the browser really makes one (the Blob's type says so), else
 * JPEG; starting at `startQuality` and stepping down while the result is over `targetBytes`.
 * Resolves to { blob, type, quality, attempts }.
 */
export async function encodeCanvas(canvas, { targetBytes = TARGET_BYTES, startQuality = START_QUALITY, minQuality = MIN_QUALITY, step = QUALITY_STEP, toBlob = canvasToBlob } = {}) {
  let type = 'image/webp'
  let quality = startQuality
  let attempts = 1
  let blob = await toBlob(canvas, type, quality)
  if (!blob || blob.type !== type) {
    type = 'image/jpeg'
    attempts += 1
    blob = await toBlob(canvas, type, quality)
  }
  if (!blob || blob.type !== type) throw new Error('this browser cannot encode photos')
  // Tenths as integers: 0.8 - 0.1 in floating point is 0.7000000000000001.
  const lower = (q) => Math.round((q - step) * 100) / 100
  while (blob.size > targetBytes && lower(quality) >= minQuality) {
    quality = lower(quality)
    attempts += 1
    const smaller = await toBlob(canvas, type, quality)
    if (!smaller) break
    blob = smaller
  }
  return { blob, type, quality, attempts }
}

/** Decode, downscale and re-encode an image file: { blob, type, quality, width, height, originalWidth, originalHeight }. */
export async function encodePhoto(file, { maxSide = MAX_SIDE, ...options } = {}) {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  const { width, height } = fitWithin(bitmap.width, bitmap.height, maxSide)
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const context = canvas.getContext('2d')
  context.fillStyle = '#fff' // transparent PNGs get a white background, not black
  context.fillRect(0, 0, width, height)
  // The default ('low') skips pixels when a 4000 px photo is drawn at 1600 px: jagged labels and
  // noise that WebP then spends bytes on (a 12 MP camera file came out at ~270 KB and needed two or
  // three more encodes). 'high' averages them: ~160 KB in one encode, and sharper text.
  context.imageSmoothingQuality = 'high'
  context.drawImage(bitmap, 0, 0, width, height)
  const result = { width, height, originalWidth: bitmap.width, originalHeight: bitmap.height }
  bitmap.close?.()
  const encoded = await encodeCanvas(canvas, options)
  canvas.width = canvas.height = 0 // let the phone free the pixels now
  return { ...result, ...encoded }
}

// EXIF (APP1) sits at the start of a JPEG and is at most 64 KB: no need to read 5 MB for it.
const EXIF_HEAD_BYTES = 128 * 1024

/**
 * Everything a photo needs before it is queued: the re-encoded blob and its SHA-256, the camera
 * file's SHA-256 (`originalSha256`) and EXIF evidence (`exif`, or null), sizes and type.
 */
export async function preparePhoto(file, { encode = encodePhoto, readExif = cameraExif } = {}) {
  const [image, originalSha256, exif] = await Promise.all([
    encode(file),
    sha256Hex(file),
    file.slice(0, EXIF_HEAD_BYTES).arrayBuffer().then(readExif, () => null),
  ])
  return { ...image, sha256: await sha256Hex(image.blob), originalSha256, exif }
}

/** The current position, or null when denied, unavailable or too slow (photos never wait for GPS). */
export function currentPosition({ timeoutMs = 4000 } = {}) {
  if (!navigator.geolocation) return Promise.resolve(null)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs + 500)
    navigator.geolocation.getCurrentPosition(
      ({ coords }) => {
        clearTimeout(timer)
        resolve({ lat: coords.latitude, lon: coords.longitude, accuracy: coords.accuracy ?? null })
      },
      () => {
        clearTimeout(timer)
        resolve(null)
      },
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60_000 },
    )
  })
}
