import { describe, expect, it } from 'vitest'
import { rowTarget, tileCount } from '../src/views/monitoring/board.js'

describe('业务监控 helpers', () => {
  const tile = { total: 7, by_district: { 5300: 1, 5301: 4, 5320: 2 }, rollup: { 5300: 7, 5301: 4, 5302: 0, 5320: 2 } }

  it('shows the whole scope, or a district with its subordinates', () => {
    expect(tileCount(tile, '')).toBe(7)
    expect(tileCount(tile, '5300')).toBe(7)
    expect(tileCount(tile, '5320')).toBe(2)
    expect(tileCount(tile, '5100')).toBe(0)
  })

  it('opens instructions and applications on their screens, other rows nowhere yet', () => {
    expect(rowTarget('instruction', { id: 3 })).toEqual({ name: 'supervisor-instruction', params: { id: 3 } })
    expect(rowTarget('declaration', { id: 9 })).toEqual({ name: 'review-detail', params: { id: 9 } })
    expect(rowTarget('blank_stock', { id: 1 })).toBeNull()
  })
})
