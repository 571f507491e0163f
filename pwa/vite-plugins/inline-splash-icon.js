// Inlines the splash icon of index.html as a data URI at build time, so the splash (text and
// icon) paints in the very first frame, before any script or image request: what a phone on a
// slow site network sees first, and what Lighthouse measures as first and largest paint.
import { readFileSync } from 'node:fs'

export function inlineSplashIcon({ src = '/icons/icon-192.png', file }) {
  return {
    name: 'chajian-inline-splash-icon',
    apply: 'build',
    transformIndexHtml(html) {
      const marker = `src="${src}" data-inline`
      if (!html.includes(marker)) throw new Error(`inline-splash-icon: no <img ${marker}> in index.html`)
      const data = readFileSync(file).toString('base64')
      return html.replace(marker, `src="data:image/png;base64,${data}"`)
    },
  }
}
