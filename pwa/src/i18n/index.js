// zh-CN first, English switchable; the choice is remembered on this device. Messages are
// precompiled by @intlify/unplugin-vue-i18n (see vite.config.js), so no compiler ships.
import { createI18n } from 'vue-i18n'
import { Locale } from 'vant/es/locale/index.mjs'
import vantEn from 'vant/es/locale/lang/en-US'
import vantZh from 'vant/es/locale/lang/zh-CN'
import { SHARED_MESSAGES, areaLoader } from './messages.js'

export const LOCALES = Object.freeze([
  { code: 'zh-CN', label: '中文' },
  { code: 'en', label: 'English' },
])
const STORAGE_KEY = 'chajian.locale'
const VANT_LANGS = { 'zh-CN': ['zh-CN', vantZh], en: ['en-US', vantEn] }

function rememberedLocale() {
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY)
    if (LOCALES.some((l) => l.code === saved)) return saved
  } catch {
    // storage blocked: fall back to Chinese
  }
  return 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: rememberedLocale(),
  fallbackLocale: 'zh-CN',
  messages: SHARED_MESSAGES, // areas are merged in by ensureAreas() as their screens open
})

function applyLocale(code) {
  Locale.use(...VANT_LANGS[code])
  document.documentElement.lang = code
}
applyLocale(i18n.global.locale.value)

/** The current UI language, e.g. for Accept-Language. */
export const currentLocale = () => i18n.global.locale.value

/** Switch the UI language and remember it. */
export function setLocale(code) {
  if (!VANT_LANGS[code]) throw new Error(`unknown locale ${code}`)
  i18n.global.locale.value = code
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, code)
  } catch {
    // not remembered, still switched
  }
  applyLocale(code)
}

/** Load the messages of `areas` (e.g. ['inspector']) into every locale; each area once. */
export const ensureAreas = areaLoader((locale, part) => i18n.global.mergeLocaleMessage(locale, part))
