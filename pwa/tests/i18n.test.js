import { describe, expect, it } from 'vitest'
import { MESSAGES } from '../src/i18n/messages.js'

const zhCN = MESSAGES['zh-CN']
const en = MESSAGES.en

const keys = (messages, prefix = '') =>
  Object.entries(messages).flatMap(([key, value]) =>
    typeof value === 'object' ? keys(value, `${prefix}${key}.`) : [`${prefix}${key}`],
  )

describe('messages', () => {
  it('merges every area file into its locale', () => {
    expect(Object.keys(MESSAGES).sort()).toEqual(['en', 'zh-CN'])
    for (const area of ['inspector', 'enterprise', 'review']) expect(zhCN[area], area).toBeTypeOf('object')
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
