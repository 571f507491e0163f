// The reviewer's desk logic without a browser: queue filters, waiting time, returnable fields and
// the return body the API accepts.
import { describe, expect, it } from 'vitest'
import {
  BASIC_FIELDS,
  GOODS_FIELDS,
  describePath,
  fieldText,
  isFieldPath,
  queueQuery,
  returnBody,
  returnableFields,
  waitingMinutes,
  waitingParts,
} from '../src/views/review/desk.js'
import zh from '../src/i18n/locales/review/zh-CN.json'

describe('queue filters', () => {
  it('builds the query the API validates: trimmed, upper-cased, empty ones left out', () => {
    const { query, invalid } = queueQuery({ status: 'under_review', inspection_no: ' 226n5300 ', destination_country: 'jpn', hs_prefix: '', applicant_code: '' })
    expect(invalid).toEqual([])
    expect(Object.fromEntries(new URLSearchParams(query))).toEqual({ status: 'under_review', inspection_no: '226N5300', destination_country: 'JPN', limit: '50' })
  })

  it('names the filters the server would refuse instead of sending them', () => {
    const { invalid } = queueQuery({ applicant_code: '123', hs_prefix: '4', destination_country: 'JP', status: 'returned' })
    expect(invalid.sort()).toEqual(['applicant_code', 'destination_country', 'hs_prefix', 'status'])
  })

  it('passes the cursor and page size on', () => {
    const params = new URLSearchParams(queueQuery({}, { limit: 20, cursor: 'abc=' }).query)
    expect(params.get('limit')).toBe('20')
    expect(params.get('cursor')).toBe('abc=')
  })
})

describe('waiting time', () => {
  const now = Date.parse('2026-11-27T10:00:00Z')
  it('counts whole minutes since acceptance, never negative', () => {
    expect(waitingMinutes('2026-11-27T09:58:30Z', now)).toBe(1)
    expect(waitingMinutes('2026-11-27T10:05:00Z', now)).toBe(0)
    expect(waitingMinutes(null, now)).toBeNull()
    expect(waitingMinutes('not a date', now)).toBeNull()
  })
  it('reads as minutes, then hours, then days', () => {
    expect(waitingParts(59)).toEqual({ key: 'minutes', n: 59 })
    expect(waitingParts(60)).toEqual({ key: 'hours', n: 1 })
    expect(waitingParts(47 * 60 + 59)).toEqual({ key: 'hours', n: 47 })
    expect(waitingParts(3 * 1440 + 5)).toEqual({ key: 'days', n: 3 })
    expect(waitingParts(null)).toBeNull()
  })
})

describe('returnable fields', () => {
  it('offers the basic fields and every field of every goods line, all valid API paths', () => {
    const fields = returnableFields(2)
    expect(fields).toHaveLength(BASIC_FIELDS.length + 2 * GOODS_FIELDS.length)
    expect(fields.every((f) => isFieldPath(f.path))).toBe(true)
    expect(fields.find((f) => f.path === 'goods[1].hs_code')).toEqual({ path: 'goods[1].hs_code', field: 'hs_code', line: 2 })
  })

  it('has a Chinese label for every field', () => {
    for (const field of [...BASIC_FIELDS, ...GOODS_FIELDS]) expect(zh.review.field[field], field).toBeTruthy()
  })

  it('describes paths in words', () => {
    expect(describePath('goods[0].net_weight')).toEqual({ field: 'net_weight', line: 1 })
    expect(describePath('containers[1].numbers')).toEqual({ field: 'containers', line: null })
    const t = (key, values) => (key === 'review.goodsField' ? `货物第 ${values.line} 项 · ${values.field}` : key.split('.').reduce((m, p) => m[p], zh))
    const te = (key) => key.split('.').reduce((m, p) => m?.[p], zh) !== undefined
    expect(fieldText('goods[1].hs_code', t, te)).toBe('货物第 2 项 · HS 编码')
    expect(fieldText('contract_no', t, te)).toBe('合同号')
    expect(fieldText('unknown_thing', t, te)).toBe('unknown_thing')
  })

  it('accepts only the server’s path shape', () => {
    expect(isFieldPath('goods[0].hs_code')).toBe(true)
    expect(isFieldPath('DROP TABLE')).toBe(false)
    expect(isFieldPath('goods[0]..x')).toBe(false)
  })
})

describe('return body', () => {
  it('sends one Chinese reason per field, the version seen and the optional note', () => {
    const rows = [{ path: 'goods[0].hs_code', reason: ' 商品编码与品名不符 ' }, { path: 'contract_no', reason: '合同号与附件不一致' }]
    expect(returnBody(rows, { version: 3, note: ' 请修改 ' })).toEqual({
      body: {
        expected_version: 3,
        field_reasons: [
          { path: 'goods[0].hs_code', reason_zh: '商品编码与品名不符' },
          { path: 'contract_no', reason_zh: '合同号与附件不一致' },
        ],
        note_zh: '请修改',
      },
    })
    expect(returnBody(rows.slice(1), { version: 1 }).body).not.toHaveProperty('note_zh')
  })

  it('points at each row that is incomplete or repeated', () => {
    const rows = [{ path: '', reason: 'x' }, { path: 'marks', reason: '  ' }, { path: 'lc_no', reason: 'a' }, { path: 'lc_no', reason: 'b' }, { path: 'marks', reason: 'x'.repeat(501) }]
    expect(returnBody(rows, { version: 1 })).toEqual({ errors: { 0: 'path', 1: 'reason', 3: 'duplicate', 4: 'reason' } })
    expect(returnBody([], { version: 1 })).toEqual({ errors: {}, empty: true })
  })
})
