// Gzipped size of what a first visit downloads to show a role's home screen: the entry chunk,
// its static imports, the route chunk of that screen and their CSS; plus, reported apart, the
// icon font that loads after the first paint (vite-plugins/vant-icon-font.js) and the service worker
// registration chunk. Usage: node scripts/shell-size.mjs [src/views/inspector/TaskListView.vue]
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'

const dist = new URL('../dist/', import.meta.url).pathname
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'))
const route = process.argv[2] ?? 'src/views/inspector/TaskListView.vue'

const files = new Set()
function walk(key) {
  const chunk = manifest[key]
  if (!chunk || files.has(chunk.file)) return
  files.add(chunk.file)
  for (const css of chunk.css ?? []) files.add(css)
  for (const asset of chunk.assets ?? []) if (/\.(woff2?|ttf)$/.test(asset)) files.add(asset)
  for (const imported of chunk.imports ?? []) walk(imported)
}
walk('index.html')
walk(route)
const deferred = Object.values(manifest)
  .filter((chunk) => chunk.src === 'vant-icon-font.css' || chunk.src?.endsWith('virtual:pwa-register'))
  .map((chunk) => chunk.file)

const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length
let js = 0
let css = 0
let fonts = 0
for (const file of files) {
  const size = gz(file)
  if (file.endsWith('.js')) js += size
  else if (file.endsWith('.css')) css += size
  else fonts += size
}
const deferredGzip = deferred.reduce((sum, file) => sum + gz(file), 0)
const kib = (n) => (n / 1024).toFixed(1)
console.log(
  JSON.stringify(
    {
      route,
      files: [...files].sort(),
      js_gzip_kib: kib(js),
      css_gzip_kib: kib(css),
      js_css_gzip_kib: kib(js + css),
      after_first_paint: deferred,
      after_first_paint_gzip_kib: kib(deferredGzip),
      total_gzip_kib: kib(js + css + fonts + deferredGzip),
    },
    null,
    2,
  ),
)
