import { describe, expect, it } from 'vitest'
import { mergeFiles } from '../src/i18n/messages.js'

// Every file, shared and per area, as the running app has them once each area was opened.
const MESSAGES = mergeFiles(import.meta.glob('../src/i18n/locales/**/*.json', { eager: true, import: 'default' }))
const zhCN = MESSAGES['zh-CN']
const en = MESSAGES.en

const keys = (messages, prefix = '') =>
  Object.entries(messages).flatMap(([key, value]) =>
    typeof value === 'object' ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  )

describe('messages', () => {
  it('merges every area file into its locale', () => {
    expect(Object.keys(MESSAGES).sort()).toEqual(['en', 'zh-CN'])
    for (const area of ['inspector', 'enterprise', 'review', 'supervisor', 'verify']) expect(zhCN[area], area).toBeTypeOf('object')
  })

  it('zh-CN and en have the same keys', () => {
    expect(keys(en).sort()).toEqual(keys(zhCN).sort())
  })

  it('every message is filled in and uses the same placeholders in both languages', () => {
    const flat = (messages) => Object.fromEntries(keys(messages).map((k) => [k, k.split('.').reduce((m, p) => m[p], messages)]))
    const zh = flat(zhCN)
    const english = flat(en)
    for (const key of Object.keys(zh)) {
      expect(zh[key].trim(), key).not.toBe('')
      expect(english[key].trim(), key).not.toBe('')
      const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()
      expect(placeholders(english[key]), key).toEqual(placeholders(zh[key]))
    }
  })

  it('has a label for every outbox state the outbox page shows', () => {
    expect(Object.keys(zhCN.status.outbox).sort()).toEqual(['conflict', 'sending', 'sent', 'waiting'])
  })
})

describe('area messages', () => {
  it('are not in the shell but load with their area, once, into every locale', async () => {
    const { SHARED_MESSAGES, AREA_NAMES, areaLoader } = await import('../src/i18n/messages.js')
    expect(AREA_NAMES).toEqual(['admin', 'certdesk', 'enterprise', 'inspector', 'instructions', 'monitoring', 'query', 'review', 'statistics', 'supervisor', 'tools', 'verify'])
    expect(SHARED_MESSAGES['zh-CN'].admin).toBeUndefined()
    expect(SHARED_MESSAGES['zh-CN'].review).toBeUndefined()
    // status labels are shown on every screen, so they ship with the shell
    expect(SHARED_MESSAGES['zh-CN'].status.declaration.submitted).toBeTruthy()
    const merged = []
    const ensureAreas = areaLoader((locale, part) => merged.push([locale, part]))
    await ensureAreas(['review', 'not-an-area'])
    await ensureAreas(['review'])
    expect(merged.map(([locale]) => locale).sort()).toEqual(['en', 'zh-CN'])
    expect(merged.find(([locale]) => locale === 'zh-CN')[1].review.title).toBe('单证审核')
  })
})
