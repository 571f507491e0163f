// Every message file, merged per locale: `locales/<locale>.json` holds the shared messages and
// `locales/<area>/<locale>.json` each area's (inspector, enterprise, review, …), so screens of one
// area add their words without touching another's file. Precompiled at build time.
const FILES = import.meta.glob('./locales/**/*.json', { eager: true, import: 'default' })

function merge(target, source) {
  for (const [key, value] of Object.entries(source)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      target[key] = merge(target[key] ?? {}, value)
    } else {
      target[key] = value
    }
  }
  return target
}

/** { 'zh-CN': {...}, en: {...} } from every file under ./locales. */
export function loadMessages(files = FILES) {
  const messages = {}
  for (const path of Object.keys(files).sort()) {
    const locale = path.split('/').pop().replace(/\.json$/, '')
    messages[locale] = merge(messages[locale] ?? {}, files[path])
  }
  return messages
}

export const MESSAGES = loadMessages()
