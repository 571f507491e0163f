// Vant's icon stylesheet carries its icon font inline (base64, ~27 KiB gzipped), so every page
// that shows a button or a tab bar blocks its first paint on that font. This plugin splits it:
// the icon classes stay where Vant imports them (small, render-blocking as before), and the
// @font-face moves to a module the app imports lazily after mounting (virtual:vant-icon-font).
// The font's remote fallback URLs (alicdn CDN) are dropped: customs networks are closed, and the
// inline WOFF2 is all a supported browser uses.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const ICON_CSS = require.resolve('vant/es/icon/index.css').replaceAll('\\', '/')
const FONT_ID = 'virtual:vant-icon-font.css'
const RESOLVED_FONT_ID = '\0vant-icon-font.css'

function split() {
  const css = readFileSync(ICON_CSS, 'utf8')
  const match = css.match(/@font-face\{[^}]*\}/)
  if (!match) throw new Error(`vant-icon-font: no @font-face in ${ICON_CSS}; update vite-plugins/vant-icon-font.js`)
  const fontFace = match[0].replace(/src:url\((data:font\/woff2[^)]*)\)[^;}]*/, 'src:url($1) format("woff2")')
  return { classes: css.replace(match[0], ''), fontFace }
}

export function vantIconFont() {
  let parts = null
  const load = () => (parts ??= split())
  return {
    name: 'chajian-vant-icon-font',
    enforce: 'pre',
    resolveId(source) {
      if (source === FONT_ID) return RESOLVED_FONT_ID
      return null
    },
    load(id) {
      if (id === RESOLVED_FONT_ID) return load().fontFace
      if (id.replaceAll('\\', '/').split('?')[0] === ICON_CSS) return load().classes
      return null
    },
  }
}
