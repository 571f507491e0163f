// The camera's EXIF evidence (make, model, when, where), read on the phone from the original file
// before the re-encode drops it, and shaped as the server accepts it (backend/media/schemas.py
// OriginalExifSchema: text ≤ 100 characters, ISO 8601 local time, lat/lon in range). The reader
// (exifr's mini build, ~10 KB gz) is loaded on first use only, so it stays out of the app shell.

// TIFF/EXIF tag numbers (exifr's mini build has no tag names).
const MAKE = 271
const MODEL = 272
const DATE_TIME = 306
const DATE_TIME_ORIGINAL = 36867
const OFFSET_TIME_ORIGINAL = 36881
const GPS_ALTITUDE_REF = 5
const GPS_ALTITUDE = 6

const EXIF_TIME = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/
const OFFSET = /^[+-]\d{2}:\d{2}$/

function text(value) {
  if (typeof value !== 'string') return null
  // NUL padding is common in EXIF strings, and the server refuses NUL anywhere.
  const cleaned = value.replace(/\u0000/g, '').trim()
  return cleaned ? cleaned.slice(0, 100) : null
}

/** EXIF "2026:11:27 15:30:05" (+ "+08:00") → "2026-11-27T15:30:05+08:00"; null if not a time. */
export function exifTime(value, offset) {
  const match = typeof value === 'string' ? EXIF_TIME.exec(value.trim()) : null
  if (!match) return null
  const [, year, month, day, hour, minute, second] = match
  if (year === '0000' || month === '00' || day === '00') return null // "no time set" on some cameras
  const zone = typeof offset === 'string' && OFFSET.test(offset.trim()) ? offset.trim() : ''
  return `${year}-${month}-${day}T${hour}:${minute}:${second}${zone}`
}

const finite = (value) => typeof value === 'number' && Number.isFinite(value)
const round = (value, places) => Math.round(value * 10 ** places) / 10 ** places

function position(tags) {
  const { latitude: lat, longitude: lon } = tags
  if (!finite(lat) || !finite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null
  let alt = finite(tags[GPS_ALTITUDE]) ? tags[GPS_ALTITUDE] : null
  const below = tags[GPS_ALTITUDE_REF]
  if (alt !== null && (below === 1 || below?.[0] === 1)) alt = -alt
  if (alt !== null && (alt < -1000 || alt > 10000)) alt = null
  return { lat: round(lat, 7), lon: round(lon, 7), alt: alt === null ? null : round(alt, 2) }
}

/** The evidence from parsed tags (exifr output), or null when the file carried none of it. */
export function exifFromTags(tags) {
  if (!tags || typeof tags !== 'object') return null
  const exif = {
    make: text(tags[MAKE]),
    model: text(tags[MODEL]),
    taken_at: exifTime(tags[DATE_TIME_ORIGINAL] ?? tags[DATE_TIME], tags[OFFSET_TIME_ORIGINAL]),
    gps: position(tags),
  }
  return Object.values(exif).some((value) => value !== null) ? exif : null
}

let reader = null
const loadReader = () => (reader ??= import('exifr/dist/mini.esm.mjs'))

/** The camera's EXIF evidence from the start of its file (an ArrayBuffer); null when none or unreadable. */
export async function cameraExif(buffer, { load = loadReader } = {}) {
  try {
    const exifr = await load()
    const tags = await exifr.parse(buffer, { tiff: true, exif: true, gps: true, ifd1: false, reviveValues: false })
    return exifFromTags(tags)
  } catch {
    return null // a photo without readable EXIF is still evidence
  }
}
