import { describe, expect, it, vi } from 'vitest'

// The access split and the certificate screens' pure helpers; the screens themselves run end to end
// in tests/e2e/test_enterprise_access.py.
vi.mock('../src/app/api.js', () => ({ api: { refresh: async () => false } }))
vi.mock('../src/app/tokens.js', () => ({ tokenStore: { get: async () => null } }))
vi.mock('../src/app/session.js', () => ({ session: {} }))
import routes from '../src/views/enterprise/routes.js'
import { assuranceGuard } from '../src/views/enterprise/guard.js'
import { failedRules, fetchPdf, openPdf, pdfPath, ruleReason, verifyPath } from '../src/views/enterprise/certificates.js'

const byName = Object.fromEntries(routes.map((route) => [route.name, route]))

describe('who may open which enterprise screen', () => {
  it('opens the whole declaration module, appointments and e-records included, to a password session', () => {
    for (const name of ['enterprise-declarations', 'enterprise-declaration-new', 'enterprise-query', 'enterprise-appointments', 'enterprise-e-record', 'enterprise-keys', 'enterprise-key-required']) {
      expect(byName[name], name).toBeDefined()
      expect(byName[name].meta.assurance, name).toBeUndefined()
    }
  })

  it('keeps every certificate screen behind a key login, with the guard that explains why', () => {
    const certificateRoutes = routes.filter((route) => route.path.startsWith('/enterprise/certificates'))
    expect(certificateRoutes.map((route) => route.name).sort()).toEqual(['enterprise-certificate', 'enterprise-certificate-application', 'enterprise-certificate-new', 'enterprise-certificates'])
    for (const route of certificateRoutes) {
      expect(route.meta.assurance).toBe('key')
      expect(route.meta.roles).toEqual(['enterprise'])
      expect(route.beforeEnter).toBe(assuranceGuard)
    }
  })
})

describe('certificate helpers', () => {
  it('lists only the review rules that did not pass, in the UI language', () => {
    const application = {
      rule_results: [
        { rule: 'consignee_matches', passed: true, reason_zh: '一致', reason_en: 'Matches' },
        { rule: 'quantity_within_e_record', passed: false, reason_zh: '数量超过电子底账', reason_en: 'Quantity exceeds the e-record' },
        { rule: 'no_english', passed: false, reason_zh: '只有中文', reason_en: '' },
      ],
    }
    const failed = failedRules(application)
    expect(failed.map((rule) => rule.rule)).toEqual(['quantity_within_e_record', 'no_english'])
    expect(ruleReason(failed[0], 'en')).toBe('Quantity exceeds the e-record')
    expect(ruleReason(failed[0], 'zh-CN')).toBe('数量超过电子底账')
    expect(ruleReason(failed[1], 'en')).toBe('只有中文')
    expect(failedRules({ rule_results: null })).toEqual([])
    expect(failedRules(null)).toEqual([])
  })

  it('builds the PDF and verification paths from the number', () => {
    expect(pdfPath('440300126000123')).toBe('/api/v1/certificates/440300126000123/pdf')
    expect(verifyPath('440300126000123')).toBe('/verify/440300126000123')
  })

  it('fetches the PDF with the bearer token and refreshes once on 401', async () => {
    let token = 'old'
    const calls = []
    const fetchImpl = async (path, init) => {
      calls.push([path, init.headers.Authorization])
      if (init.headers.Authorization === 'Bearer old') return new Response('{}', { status: 401, headers: { 'content-type': 'application/json' } })
      return new Response(new Uint8Array([0x25, 0x50, 0x44, 0x46]), { status: 200, headers: { 'content-type': 'application/pdf' } })
    }
    const tokens = { get: async () => ({ access_token: token }) }
    const refresh = async () => {
      token = 'new'
      return true
    }
    const blob = await fetchPdf('440300126000123', { fetchImpl, tokens, refresh })
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(new Uint8Array([0x25, 0x50, 0x44, 0x46]))
    expect(calls).toEqual([
      ['/api/v1/certificates/440300126000123/pdf', 'Bearer old'],
      ['/api/v1/certificates/440300126000123/pdf', 'Bearer new'],
    ])
  })

  it('turns a refused PDF into the server\'s error and closes the waiting tab', async () => {
    const body = { error: 'auth.key_required', message: '需要密钥登录' }
    const fetchImpl = async () => new Response(JSON.stringify(body), { status: 403, headers: { 'content-type': 'application/json' } })
    const tab = { closed: false, close() { this.closed = true }, location: {} }
    const win = { open: () => tab, URL, setTimeout, location: { assign: () => {} } }
    await expect(openPdf('440300126000123', { win, fetchImpl, tokens: { get: async () => ({ access_token: 'x' }) }, refresh: async () => false })).rejects.toMatchObject({ status: 403, code: 'auth.key_required' })
    expect(tab.closed).toBe(true)
  })
})

describe('a new certificate application from its declaration', () => {
  it('offers only the ticked certificate types, once each', async () => {
    const { tickedTypes } = await import('../src/views/enterprise/certificates.js')
    expect(tickedTypes({ certificates: [{ cert_code: '11' }, { cert_code: '16' }, { cert_code: '11' }] })).toEqual(['11', '16'])
    expect(tickedTypes(null)).toEqual([])
  })

  it('fills consignee, destination and goods from the declaration and keeps only filled type fields', async () => {
    const { formFromDeclaration } = await import('../src/views/enterprise/certificates.js')
    const declaration = {
      consignee_name_en: 'Wellington Seafood Imports Ltd.',
      destination_country: 'NZL',
      marks: 'N/M',
      goods: [{ hs_code: '7304192000', name_zh: '无缝钢管', quantity: '120.000', quantity_unit: '070', net_weight: '120000.000', packing_count: 40, value: '96000.00' }],
    }
    expect(formFromDeclaration(declaration, { inspection_result: '  合格 ', inspection_standard: '  ' })).toEqual({
      consignee: { name_en: 'Wellington Seafood Imports Ltd.' },
      destination_country: 'NZL',
      marks: 'N/M',
      goods: [{ hs_code: '7304192000', description_zh: '无缝钢管', quantity: '120.000', quantity_unit: '070', net_weight: '120000.000', packages: 40 }],
      fields: { inspection_result: '合格' },
    })
    expect(formFromDeclaration({ goods: [{ hs_code: '0409000000', name_zh: '蜂蜜', quantity: '1.23456' }] }).goods).toEqual([{ hs_code: '0409000000', description_zh: '蜂蜜' }])
  })
})
