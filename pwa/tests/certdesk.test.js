// The certificate officer's desk logic without a browser: rule results in reading order, the
// queue's filters on the device, a decision's reason; and the shared key-only route rule.
import { describe, expect, it, vi } from 'vitest'
import { enterpriseLine, failedRuleNames, filterQueue, reasons, rulesFailedFirst, withoutDecided } from '../src/views/certdesk/desk.js'
import { hasAssurance, nextPath } from '../src/app/assurance.js'
import { keyPagesOf } from '../src/views/common/keyPages.js'
import zh from '../src/i18n/locales/certdesk/zh-CN.json'
import en from '../src/i18n/locales/certdesk/en.json'

vi.mock('../src/app/session.js', () => ({ session: {} }))
vi.mock('../src/app/api.js', () => ({ api: {} }))

const rule = (name, passed, zhText = `${name} zh`, enText = `${name} en`) => ({ rule: name, passed, reason_zh: zhText, reason_en: enText })

describe('rule results', () => {
  it('puts the failed rules first, each group in the server order', () => {
    const results = [rule('a', true), rule('b', false), rule('c', true), rule('d', false)]
    expect(rulesFailedFirst(results).map((r) => r.rule)).toEqual(['b', 'd', 'a', 'c'])
    expect(failedRuleNames({ rule_results: results })).toEqual(['b', 'd'])
  })

  it('copes with an application not reviewed yet', () => {
    expect(rulesFailedFirst(null)).toEqual([])
    expect(failedRuleNames({ rule_results: null })).toEqual([])
  })

  it('gives the reason in the UI language first and the other one second', () => {
    expect(reasons(rule('a', false, '缺少', 'Missing'), 'zh-CN')).toEqual({ main: '缺少', other: 'Missing' })
    expect(reasons(rule('a', false, '缺少', 'Missing'), 'en')).toEqual({ main: 'Missing', other: '缺少' })
    expect(reasons(rule('a', false, '', 'Missing'), 'zh-CN')).toEqual({ main: 'Missing', other: '' })
  })

  it('names every rule of the intelligent review in both languages', () => {
    expect(Object.keys(en.certdesk.rules)).toEqual(Object.keys(zh.certdesk.rules))
  })
})

describe('queue filters', () => {
  const items = [
    { id: 1, type_code: '11', e_record_no: '226N53000000001001', form: { consignee: { name_en: 'Osaka Steel' } }, rule_results: [rule('required_fields_present', false)] },
    { id: 2, type_code: '16', e_record_no: '226N53000000002001', applicant: { name_zh: '深圳市海鲜冷链进出口有限公司', name_en: 'Shenzhen Seafood', customs_code: '4403961XYZ' }, form: {}, rule_results: [rule('no_second_original', false), rule('key_login', true)] },
  ]
  const ids = (filters) => filterQueue(items, filters).map((item) => item.id)

  it('filters by type, failed rule and text in the e-record, applicant or consignee', () => {
    expect(ids({})).toEqual([1, 2])
    expect(ids({ type: '16' })).toEqual([2])
    expect(ids({ rule: 'required_fields_present' })).toEqual([1])
    expect(ids({ rule: 'key_login' })).toEqual([]) // passed, not failed
    expect(ids({ text: 'osaka' })).toEqual([1])
    expect(ids({ text: '海鲜' })).toEqual([2])
    expect(ids({ text: 'seafood' })).toEqual([2])
    expect(ids({ text: ' 4403961xyz ' })).toEqual([2])
    expect(ids({ text: '0000001001' })).toEqual([1])
  })

  it('drops a decided application from the queue', () => {
    expect(withoutDecided(items, { application_id: 2, status: 'issued' }).map((i) => i.id)).toEqual([1])
    expect(withoutDecided(items, { application_id: 9 }).map((i) => i.id)).toEqual([1, 2])
    expect(withoutDecided(items, {})).toBe(items)
  })

  it('writes an enterprise as name and customs code in the chosen language', () => {
    const enterprise = { name_zh: '深圳竹韵', name_en: 'Zhuyun', customs_code: '4403960001' }
    expect(enterpriseLine(enterprise, 'zh-CN')).toBe('深圳竹韵 · 4403960001')
    expect(enterpriseLine(enterprise, 'en')).toBe('Zhuyun · 4403960001')
    expect(enterpriseLine({ ...enterprise, name_en: null }, 'en')).toBe('深圳竹韵 · 4403960001')
    expect(enterpriseLine(null, 'en')).toBe('')
  })
})

describe('key-only screens', () => {
  it('ranks a key session above a password session', () => {
    expect(hasAssurance({ assurance: 'key' }, 'key')).toBe(true)
    expect(hasAssurance({ assurance: 'password' }, 'key')).toBe(false)
    expect(hasAssurance(null, 'password')).toBe(false)
  })

  it('goes on only to in-app paths after a key login', () => {
    expect(nextPath('/certdesk/queue', '/x')).toBe('/certdesk/queue')
    expect(nextPath('//evil.example', '/x')).toBe('/x')
  })

  it("shows the enterprise's words unless a route names its area's", () => {
    expect(keyPagesOf({ meta: {} }).words).toBe('enterprise')
    expect(keyPagesOf({ meta: { keyPages: { words: 'certdesk', home: 'certdesk-queue', keys: 'certdesk-keys' } } })).toEqual({ words: 'certdesk', home: 'certdesk-queue', keys: 'certdesk-keys' })
  })
})
