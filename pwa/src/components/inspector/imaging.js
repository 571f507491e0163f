// Photos are made smaller on the phone before they are stored and sent: at most 1600 px on the
// long side, JPEG. A 12-megapixel camera file (4–6 MB) becomes a few hundred KB, which matters on
// a factory's weak mobile signal. EXIF orientation is applied while decoding.
export const MAX_SIDE = 1600
const QUALITY = 0.85

/** Scale (never up) so the long side is at most `maxSide`. */
export function fitWithin(width, height, maxSide = MAX_SIDE) {
  const scale = Math.min(1, maxSide / Math.max(width, height))
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) }
}

/** Decode, downscale and re-encode an image file: { blob (image/jpeg), width, height, originalWidth, originalHeight }. */
export async function downscaleToJpeg(file, { maxSide = MAX_SIDE, quality = QUALITY } = {}) {
  const bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  const { width, height } = fitWithin(bitmap.width, bitmap.height, maxSide)
  const canvas = document.createElement('canvas')
  canvas.width = width
  canvas.height = height
  const context = canvas.getContext('2d')
  context.fillStyle = '#fff' // transparent PNGs get a white background, not black, in JPEG
  context.fillRect(0, 0, width, height)
  context.drawImage(bitmap, 0, 0, width, height)
  const result = { width, height, originalWidth: bitmap.width, originalHeight: bitmap.height }
  bitmap.close?.()
  const blob = await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('encoding failed'))), 'image/jpeg', quality))
  return { ...result, blob }
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
