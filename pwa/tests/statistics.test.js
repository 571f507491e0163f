// The statistics screens' filters and chart options (no DOM, no server).
import { describe, expect, it, vi } from 'vitest'
import { compactFilters, filtersFromQuery } from '../src/views/statistics/filters.js'
import { queryOf, tablesByName } from '../src/views/statistics/api.js'
import { barOption, funnelOption, lineOption } from '../src/views/statistics/charts.js'

vi.mock('../src/app/api.js', () => ({ api: {} }))
vi.mock('../src/app/tokens.js', () => ({ tokenStore: {} }))
vi.mock('../src/i18n/index.js', () => ({ currentLocale: () => 'zh-CN' }))

describe('statistics filters', () => {
  it('defaults to the last 30 days and keeps what the address asks for', () => {
    const now = new Date('2026-03-31T04:00:00Z')
    expect(filtersFromQuery({}, now)).toMatchObject({ date_from: '2026-03-02', date_to: '2026-03-31', district: '' })
    const asked = filtersFromQuery({ date_from: '2026-01-01', date_to: '2026-01-31', district: '5320', colour: 'red' }, now)
    expect(compactFilters(asked)).toEqual({ date_from: '2026-01-01', date_to: '2026-01-31', district: '5320' })
  })

  it('leaves empty values out of the query string', () => {
    expect(queryOf({ date_from: '2026-03-02', district: '', channel: null, granularity: 'week' })).toBe('date_from=2026-03-02&granularity=week')
  })
})

describe('statistics charts', () => {
  const rows = [
    { bucket: '2026-03-02', submitted: 2, accepted: 2 },
    { bucket: '2026-03-03', submitted: 1 },
  ]

  it('draws one line per series with zeros for missing values', () => {
    const option = lineOption(rows, 'bucket', [{ key: 'submitted', name: '提交' }, { key: 'accepted', name: '受理' }])
    expect(option.xAxis.data).toEqual(['2026-03-02', '2026-03-03'])
    expect(option.series.map((s) => s.data)).toEqual([[2, 1], [2, 0]])
  })

  it('turns bars sideways and keeps the funnel in the chain order', () => {
    const option = barOption(rows, 'bucket', [{ key: 'submitted', name: '提交' }], { horizontal: true })
    expect(option.yAxis.data).toEqual(['2026-03-02', '2026-03-03'])
    expect(option.xAxis.type).toBe('value')
    const funnel = funnelOption([{ label: '提交', count: 5 }, { label: '受理', count: 4 }])
    expect(funnel.series[0].sort).toBe('none')
    expect(funnel.series[0].data).toEqual([{ name: '提交', value: 5 }, { name: '受理', value: 4 }])
  })

  it('indexes an answer by table name', () => {
    expect(Object.keys(tablesByName({ tables: [{ name: 'trend', rows: [] }, { name: 'funnel', rows: [] }] }))).toEqual(['trend', 'funnel'])
  })
})
