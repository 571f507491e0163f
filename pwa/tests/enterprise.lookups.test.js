import { describe, expect, it } from 'vitest'
import { LOOKUP_TABLES, applyGoodsPick, goodsNeeds, itemLabel, lookupPath } from '../src/views/enterprise/lookups.js'
import { emptyForm } from '../src/views/enterprise/form.js'

const chopsticks = {
  code: '4419121000', name_zh: '竹制筷子', name_en: 'Chopsticks of bamboo', table: 'hs', national: true, level: 10,
  hs_code: '4419121000', unit: '035', unit_name: '千克', supervision_conditions: 'AB', inspection_category: 'P/Q',
  qualifications: [{ code: 'BWG_PRODUCER', name_zh: '出境竹木草制品生产企业注册登记', name_en: 'Registration of BWG producers' }],
  certificates: [{ code: '18', name_zh: '植物检疫证书', name_en: 'Phytosanitary certificate' }],
}
const t = (key, params) => (params ? `${key}:${JSON.stringify(params)}` : key.split('.').pop())

describe('code look-ups of the application form', () => {
  it('asks only from two characters on, for the field’s table', () => {
    expect(lookupPath('hs', '4')).toBeNull()
    expect(lookupPath('hs', '  ')).toBeNull()
    expect(lookupPath('hs', ' 竹制 ')).toBe('/api/v1/lookups/hs?q=%E7%AB%B9%E5%88%B6&limit=8')
    expect(LOOKUP_TABLES.departure_port).toBe('ports')
    expect(LOOKUP_TABLES.quantity_unit).toBe('units')
  })

  it('says what the goods need, in the reader’s language', () => {
    expect(goodsNeeds(chopsticks, t, 'zh-CN')).toBe('unit 千克 · supervision AB · inspection P/Q · needs 出境竹木草制品生产企业注册登记 · certificates 植物检疫证书')
    expect(goodsNeeds({ code: '441912', national: false, level: 6, qualifications: [], certificates: [] }, t, 'en')).toBe('enterprise.lookup.subheading:{"level":6}')
    expect(itemLabel({ code: 'JPN', name_zh: '日本', name_en: 'Japan' }, 'en')).toBe('JPN Japan')
  })

  it('fills the line and adds the registration and certificate once', () => {
    const form = emptyForm()
    const line = form.goods[0]
    line.name_zh = '竹筷'
    applyGoodsPick(form, line, 'hs_code', chopsticks)
    applyGoodsPick(form, line, 'hs_code', chopsticks)
    expect(line).toMatchObject({ hs_code: '4419121000', name_zh: '竹筷', name_en: 'Chopsticks of bamboo', quantity_unit: '035' })
    expect(form.qualifications).toEqual([{ type_code: 'BWG_PRODUCER', number: '', holder_name: '' }])
    expect(form.certificates).toEqual([{ cert_code: '18', originals: 1, copies: 0 }])
    const other = emptyForm().goods[0]
    applyGoodsPick(form, other, 'ciq_code', { ...chopsticks, code: '4419121000999', table: 'ciq' })
    expect(other).toMatchObject({ ciq_code: '4419121000999', hs_code: '4419121000' })
  })
})
