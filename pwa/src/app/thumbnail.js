// A small JPEG of a photo (320 px on the long side) for screens once the full photo is released.
export const THUMBNAIL_PX = 320

export async function makeThumbnail(blob, size = THUMBNAIL_PX) {
  const bitmap = await createImageBitmap(blob)
  const scale = Math.min(1, size / Math.max(bitmap.width, bitmap.height))
  const width = Math.max(1, Math.round(bitmap.width * scale))
  const height = Math.max(1, Math.round(bitmap.height * scale))
  let canvas
  if (typeof OffscreenCanvas !== 'undefined') canvas = new OffscreenCanvas(width, height)
  else {
    canvas = document.createElement('canvas')
    canvas.width = width
    canvas.height = height
  }
  const context = canvas.getContext('2d')
  context.imageSmoothingQuality = 'high' // averaged, not sampled: legible at 320 px (imaging.js)
  context.drawImage(bitmap, 0, 0, width, height)
  bitmap.close?.()
  if (canvas.convertToBlob) return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.7 })
  return new Promise((resolve, reject) => canvas.toBlob((out) => (out ? resolve(out) : reject(new Error('no thumbnail'))), 'image/jpeg', 0.7))
}
