// The 指令管理 and 预约查检 desks' rules: what each request sends, what is refused before asking.
import { describe, expect, it, vi } from 'vitest'
import {
  byWorkload,
  canReinspect,
  cancelRequest,
  confirmRequest,
  declineRequest,
  issueRequest,
  proposeRequest,
} from '../src/views/instructions/desk.js'

vi.mock('../src/app/api.js', () => ({ api: {} }))
vi.mock('../src/app/tokens.js', () => ({ tokenStore: {} }))

describe('cancelling an instruction', () => {
  it('needs a reason and the choice of what the application becomes', () => {
    expect(cancelRequest('  ', 'accepted', 3)).toEqual({ error: 'reason' })
    expect(cancelRequest('企业撤回货物', '', 3)).toEqual({ error: 'then' })
    expect(cancelRequest('企业撤回货物', 'inspecting', 3)).toEqual({ error: 'then' })
    expect(cancelRequest(' 免于查检 ', 'released', 3)).toEqual({ body: { reason: '免于查检', expected_version: 3, then: 'released' } })
  })
})

describe('issuing an instruction', () => {
  const candidate = { declaration_id: 7, suggested_items: ['verify_goods', 'labels'] }
  it('sends the chosen items, inspector and note, never a deadline', () => {
    expect(issueRequest(candidate, { items: ['verify_goods', 'sampling'], inspectorId: '12', priority: 2, note: ' 举报线索 ', siteContact: '' })).toEqual({
      body: { declaration_id: 7, item_codes: ['verify_goods', 'sampling'], priority: 2, inspector_id: 12, note: '举报线索' },
    })
    expect(issueRequest(candidate, { items: [], priority: 3 })).toEqual({ error: 'items' })
    expect(issueRequest(null, { items: ['labels'] })).toEqual({ error: 'declaration' })
  })
  it('lists the inspectors with the lightest workload first', () => {
    const people = [{ id: 1, display_name: '王', open_count: 4 }, { id: 2, display_name: '李', open_count: 1 }, { id: 3, display_name: '张', open_count: 1 }]
    expect(byWorkload(people).map((p) => p.id)).toEqual([2, 3, 1])
  })
  it('offers a re-inspection only after a treatment and only once', () => {
    const done = { status: 'completed', follow_up_ids: [] }
    expect(canReinspect(done, { disposition: { kind: 'treatment' } })).toBe(true)
    expect(canReinspect({ ...done, follow_up_ids: [9] }, { disposition: { kind: 'treatment' } })).toBe(false)
    expect(canReinspect(done, { disposition: { kind: 'release' } })).toBe(false)
    expect(canReinspect({ status: 'in_progress' }, { disposition: { kind: 'treatment' } })).toBe(false)
  })
})

describe('answering a booking', () => {
  const booking = { id: 5, version: 2 }
  it('confirms with an inspector, proposes a future slot, declines with a reason', () => {
    expect(confirmRequest(booking, '')).toEqual({ error: 'inspector' })
    expect(confirmRequest(booking, '8')).toEqual({ body: { expected_version: 2, inspector_id: 8 } })
    expect(proposeRequest(booking, { date: '2026-12-05', slot: 'morning', inspectorId: '8' }, '2026-12-06')).toEqual({ error: 'date' })
    expect(proposeRequest(booking, { date: '2026-12-07', slot: '', inspectorId: '8' }, '2026-12-06')).toEqual({ error: 'slot' })
    expect(proposeRequest(booking, { date: '2026-12-07', slot: 'afternoon', inspectorId: '8', note: '' }, '2026-12-06')).toEqual({
      body: { expected_version: 2, date: '2026-12-07', slot: 'afternoon', inspector_id: 8 },
    })
    expect(declineRequest(booking, ' ')).toEqual({ error: 'reason' })
    expect(declineRequest(booking, '当日无人手')).toEqual({ body: { expected_version: 2, reason: '当日无人手' } })
  })
})
