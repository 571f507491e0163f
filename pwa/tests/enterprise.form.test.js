import { describe, expect, it, vi } from 'vitest'
import { bodyFromForm, emptyForm, fieldValue, formFromDeclaration, goodsTotals, GOODS_FIELDS, HEADER_FIELDS } from '../src/views/enterprise/form.js'
import { countFindings, fieldId, findingsByPath, findingsFromError, sectionOf, sortFindings } from '../src/views/enterprise/findings.js'

vi.mock('../src/app/session.js', () => ({ session: { user: null } }))
const { hasAssurance, assuranceGuard, nextPath } = await import('../src/views/enterprise/guard.js')

const ZHUYUN = { customs_code: '4403960ABC', name_zh: '深圳市竹韵家居用品有限公司', name_en: 'Shenzhen Zhuyun Household Products Co., Ltd.' }

describe('application form ↔ body', () => {
  it('starts with one goods line and the enterprise as applicant and consignor', () => {
    const form = emptyForm(ZHUYUN)
    expect(form.goods).toHaveLength(1)
    expect(form.applicant_code).toBe('4403960ABC')
    expect(form.consignor_name_zh).toBe(ZHUYUN.name_zh)
    expect(form.consignor_name_en).toBe(ZHUYUN.name_en)
    expect(form.containers).toEqual([])
  })

  it('sends only the fields the server knows, nulls for empty inputs, whole numbers for counts', () => {
    const form = emptyForm(ZHUYUN)
    Object.assign(form, { total_packages: ' 200 ', total_net_weight: '2000.5', trade_country: 'jpn', marks: '  N/M ' })
    Object.assign(form.goods[0], { hs_code: '4419121000', packing_count: '200', net_weight: '2000.5', currency: 'usd' })
    const body = bodyFromForm(form)
    expect(Object.keys(body).sort()).toEqual([...HEADER_FIELDS.filter((f) => f !== 'district_code'), 'goods', 'containers', 'qualifications', 'certificates'].sort())
    expect(Object.keys(body.goods[0]).sort()).toEqual([...GOODS_FIELDS].sort())
    expect(body.total_packages).toBe(200)
    expect(body.total_net_weight).toBe('2000.5') // decimals travel as strings
    expect(body.trade_country).toBe('JPN')
    expect(body.marks).toBe('N/M')
    expect(body.consignee_name_en).toBeNull()
    expect(body.goods[0]).toMatchObject({ hs_code: '4419121000', packing_count: 200, currency: 'USD', name_zh: null })
  })

  it('leaves a malformed count as text so the server explains it beside the field', () => {
    expect(fieldValue('total_packages', '2.5')).toBe('2.5')
    expect(fieldValue('packing_count', '')).toBeNull()
    expect(fieldValue('packing_count', '0')).toBe(0)
  })

  it('drops blank container and qualification groups and splits container numbers', () => {
    const form = emptyForm()
    form.containers = [{ size_type: '40hc', count: '2', numbers: 'csnu6184321, CSNU6184322；' }, { size_type: '', count: '', numbers: '' }]
    form.qualifications = [{ type_code: 'BWG_PRODUCER', number: ' 4403BWG0001 ', holder_name: '' }, { type_code: '', number: '', holder_name: '' }]
    form.certificates = [{ cert_code: '18', originals: '1', copies: 2 }]
    const body = bodyFromForm(form)
    expect(body.containers).toEqual([{ size_type: '40HC', count: 2, numbers: ['CSNU6184321', 'CSNU6184322'] }])
    expect(body.qualifications).toEqual([{ type_code: 'BWG_PRODUCER', number: '4403BWG0001', holder_name: null }])
    expect(body.certificates).toEqual([{ cert_code: '18', originals: 1, copies: 2 }])
  })

  it('reads a stored application back into the form and out again unchanged', () => {
    const stored = {
      id: 7, version: 3, status: 'returned', applicant_code: '4403960ABC', district_code: '5300', total_packages: 40,
      total_net_weight: '120000.000', shipping_date: '2030-06-18', consignee_name_zh: null,
      goods: [{ line_no: 1, hs_code: '7304192000', packing_count: 40, net_weight: '120000.000' }],
      containers: [{ size_type: '40GP', count: 1, numbers: ['CSNU1'] }],
      qualifications: [], certificates: [{ cert_code: '11', originals: 1, copies: 1 }],
    }
    const form = formFromDeclaration(stored)
    expect(form.total_packages).toBe('40')
    expect(form.consignee_name_zh).toBe('')
    expect(form.containers[0].numbers).toBe('CSNU1')
    expect(form).not.toHaveProperty('status')
    const body = bodyFromForm(form)
    expect(body).toMatchObject({ district_code: '5300', total_packages: 40, shipping_date: '2030-06-18' })
    expect(body.goods[0]).toMatchObject({ hs_code: '7304192000', packing_count: 40, net_weight: '120000.000' })
    expect(body.goods[0]).not.toHaveProperty('line_no')
    expect(body.containers).toEqual(stored.containers)
  })

  it('adds up the goods lines for the 三单一致 hint', () => {
    expect(goodsTotals([{ packing_count: '200', net_weight: '2000.1' }, { packing_count: '', net_weight: '0.2' }])).toEqual({ packages: 200, netWeight: 2000.3 })
  })
})

const FINDINGS = [
  { severity: 'info', path: 'certificates', rule: 'certificates.none', message_zh: '未勾选所需证书', message_en: 'no certificates requested' },
  { severity: 'error', path: 'goods[0].hs_code', rule: 'goods.qualification_missing', message_zh: '第1行 竹筷 需要 出境竹木草制品生产企业注册登记', message_en: 'line 1 needs BWG_PRODUCER' },
  { severity: 'warning', path: 'goods[0].hs_code', rule: 'x.warn', message_zh: '提醒', message_en: 'heads-up' },
  { severity: 'error', path: 'consignor_code', rule: 'party.customs_code_format', message_zh: '发货人代码不是海关十位编码', message_en: 'not a customs code' },
]

describe('validation findings beside the fields', () => {
  it('groups messages per field path, worst severity first, in the UI language', () => {
    const zh = findingsByPath(FINDINGS, 'zh-CN')
    expect(zh['goods[0].hs_code']).toEqual({ severity: 'error', messages: ['第1行 竹筷 需要 出境竹木草制品生产企业注册登记', '提醒'] })
    expect(zh.consignor_code.severity).toBe('error')
    expect(zh.certificates).toEqual({ severity: 'info', messages: ['未勾选所需证书'] })
    expect(findingsByPath(FINDINGS, 'en').consignor_code.messages).toEqual(['not a customs code'])
  })

  it('sorts errors first and counts each severity', () => {
    expect(sortFindings(FINDINGS).map((f) => f.severity)).toEqual(['error', 'error', 'warning', 'info'])
    expect(sortFindings(FINDINGS)[0].path).toBe('goods[0].hs_code')
    expect(countFindings(FINDINGS)).toEqual({ error: 2, warning: 1, info: 1 })
  })

  it('knows the section and the DOM id of a path', () => {
    expect(sectionOf('goods[2].hs_code')).toBe('goods')
    expect(sectionOf('containers[0].numbers')).toBe('containers')
    expect(sectionOf('total_packages')).toBe('basic')
    expect(fieldId('goods[2].hs_code')).toBe('field-goods-2-hs_code')
    expect(fieldId('consignor_code')).toBe('field-consignor_code')
  })

  it('takes the findings of a refused submission from detail.findings', () => {
    const error = { status: 422, errors: { consignor_code: ['…'] }, body: { detail: { findings: FINDINGS } } }
    expect(findingsFromError(error)).toBe(FINDINGS)
  })

  it('turns marshmallow shape errors (nested by index) into error findings on the right paths', () => {
    const error = { status: 422, errors: { goods: { 0: { quantity: ['Not a valid number.'] } }, total_packages: ['Not a valid integer.'] }, body: {} }
    expect(findingsFromError(error)).toEqual([
      { severity: 'error', path: 'goods[0].quantity', rule: 'request.invalid', message_zh: 'Not a valid number.', message_en: 'Not a valid number.' },
      { severity: 'error', path: 'total_packages', rule: 'request.invalid', message_zh: 'Not a valid integer.', message_en: 'Not a valid integer.' },
    ])
    expect(findingsFromError({ errors: { json: { marks: ['Longer than maximum length 4000.'] } } })[0].path).toBe('marks')
  })
})

describe('access by login kind', () => {
  it('lets a key session do everything and a password session only password screens', () => {
    expect(hasAssurance({ assurance: 'key' }, 'key')).toBe(true)
    expect(hasAssurance({ assurance: 'key' }, 'password')).toBe(true)
    expect(hasAssurance({ assurance: 'password' }, 'password')).toBe(true)
    expect(hasAssurance({ assurance: 'password' }, 'key')).toBe(false)
    expect(hasAssurance({}, 'password')).toBe(false)
    expect(hasAssurance(null, 'password')).toBe(false)
    expect(hasAssurance({ assurance: 'key' }, 'something-else')).toBe(false)
  })

  it('sends a weaker session to the explanation, remembering where it wanted to go', async () => {
    const { session } = await import('../src/app/session.js')
    const to = { fullPath: '/enterprise/certificates?tab=applications', meta: { assurance: 'key' } }
    session.user = { assurance: 'password' }
    expect(assuranceGuard(to)).toEqual({ name: 'enterprise-key-required', query: { next: '/enterprise/certificates?tab=applications' } })
    session.user = { assurance: 'key' }
    expect(assuranceGuard(to)).toBe(true)
    expect(assuranceGuard({ fullPath: '/x', meta: {} })).toBe(true)
  })

  it('only continues to paths inside the app', () => {
    expect(nextPath('/enterprise/appointments', '/home')).toBe('/enterprise/appointments')
    expect(nextPath('//evil.example/x', '/home')).toBe('/home')
    expect(nextPath('https://evil.example', '/home')).toBe('/home')
    expect(nextPath(undefined, '/home')).toBe('/home')
  })
})

describe('a returned application', () => {
  it('shows the latest return\'s reasons on their fields', async () => {
    const { findingsFromReturn } = await import('../src/views/enterprise/findings.js')
    const receipts = [
      { code: 'RETURNED', field_reasons: [{ path: 'marks', reason_zh: '旧的' }] },
      { code: 'SUBMITTED', field_reasons: [] },
      { code: 'RETURNED', field_reasons: [{ path: 'consignee_name_en', reason_zh: '收货人名称与合同不一致' }, { path: 'goods[0].hs_code', reason_zh: '商品编码有误', reason_en: 'Wrong HS code' }] },
    ]
    const found = findingsFromReturn(receipts)
    expect(found.map((f) => f.path)).toEqual(['consignee_name_en', 'goods[0].hs_code'])
    expect(found[0]).toMatchObject({ severity: 'error', rule: 'review.returned', message_zh: '审核退回：收货人名称与合同不一致', message_en: 'Returned by review: 收货人名称与合同不一致' })
    expect(found[1].message_en).toBe('Returned by review: Wrong HS code')
    expect(findingsFromReturn([{ code: 'ACCEPTED' }])).toEqual([])
    expect(findingsFromReturn()).toEqual([])
  })
})
