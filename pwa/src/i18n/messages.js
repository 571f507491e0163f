// Messages: `locales/<locale>.json` holds what every screen may show (navigation, status labels,
// login) and ships with the shell; `locales/<area>/<locale>.json` holds one area's words (inspector,
// enterprise, review, verify) and is loaded with that area's first screen, so an inspector's phone
// never downloads the enterprise form's labels. Both are precompiled at build time.
const SHARED = import.meta.glob('./locales/*.json', { eager: true, import: 'default' })
const AREAS = import.meta.glob('./locales/*/*.json', { import: 'default' })

export function merge(target, source) {
  for (const [key, value] of Object.entries(source)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      target[key] = merge(target[key] ?? {}, value)
    } else {
      target[key] = value
    }
  }
  return target
}

const localeOf = (path) => path.split('/').pop().replace(/\.json$/, '')
const areaOf = (path) => path.split('/').slice(-2, -1)[0]

/** { 'zh-CN': {...}, en: {...} } merged from `files` ({ path: messages }), in path order. */
export function mergeFiles(files) {
  const messages = {}
  for (const path of Object.keys(files).sort()) {
    messages[localeOf(path)] = merge(messages[localeOf(path)] ?? {}, files[path])
  }
  return messages
}

export const SHARED_MESSAGES = mergeFiles(SHARED)

/** The areas that have their own message files. */
export const AREA_NAMES = Object.freeze([...new Set(Object.keys(AREAS).map(areaOf))].sort())

/** { locale: messages } of one area, loaded on demand. */
export async function loadArea(area) {
  const paths = Object.keys(AREAS).filter((path) => areaOf(path) === area)
  const loaded = await Promise.all(paths.map(async (path) => [path, await AREAS[path]()]))
  return mergeFiles(Object.fromEntries(loaded))
}

/**
 * `ensureAreas(areas)`: loads each named area once and hands every locale's part to
 * `mergeLocale(locale, messages)`; names without message files are ignored.
 */
export function areaLoader(mergeLocale) {
  const loaded = new Map() // area -> Promise
  return (areas) =>
    Promise.all(
      areas
        .filter((area) => AREA_NAMES.includes(area))
        .map((area) => {
          if (!loaded.has(area)) {
            loaded.set(
              area,
              loadArea(area).then((messages) => {
                for (const [locale, part] of Object.entries(messages)) mergeLocale(locale, part)
              }),
            )
          }
          return loaded.get(area)
        }),
    )
}
