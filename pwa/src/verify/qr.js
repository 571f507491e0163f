// Reading a QR code from a photo or an image file: draw it on a canvas, hand the pixels to jsQR
// (Linux Chromium and Firefox have no BarcodeDetector). jsQR is loaded only when an image is read.

const SIDES = [1600, 1000, 640] // a phone photo is large: try a few sizes, the QR code's modules must stay crisp

/** The text of the first QR code in `imageData` ({ data, width, height }), or null. */
export async function decodeImageData(imageData) {
  const { default: jsQR } = await import('jsqr')
  const found = jsQR(imageData.data, imageData.width, imageData.height, { inversionAttempts: 'attemptBoth' })
  return found?.data ?? null
}

async function toBitmap(file) {
  if (globalThis.createImageBitmap) {
    try {
      return await createImageBitmap(file, { imageOrientation: 'from-image' })
    } catch {
      // fall through to <img>
    }
  }
  const url = URL.createObjectURL(file)
  try {
    const img = new Image()
    img.src = url
    await img.decode()
    return img
  } finally {
    URL.revokeObjectURL(url)
  }
}

/** The QR code text in an image File/Blob, or null when none is found. Throws when it is not an image. */
export async function decodeImageFile(file) {
  const bitmap = await toBitmap(file)
  const width = bitmap.width
  const height = bitmap.height
  const longest = Math.max(width, height)
  const sides = [...new Set([Math.min(longest, SIDES[0]), ...SIDES.filter((side) => side < longest)])]
  const canvas = document.createElement('canvas')
  const context = canvas.getContext('2d', { willReadFrequently: true })
  for (const side of sides) {
    const scale = side / longest
    canvas.width = Math.max(1, Math.round(width * scale))
    canvas.height = Math.max(1, Math.round(height * scale))
    context.fillStyle = '#fff'
    context.fillRect(0, 0, canvas.width, canvas.height)
    context.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
    const text = await decodeImageData(context.getImageData(0, 0, canvas.width, canvas.height))
    if (text) return text
  }
  return null
}
