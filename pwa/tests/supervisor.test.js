// The board's instruction rows without a browser: the lifecycle's statuses, overdue, deadline / age,
// ordering, the cancel and assign bodies, the inspector choices, the lease and paging.
import { describe, expect, it } from 'vitest'
import {
  STATUSES,
  assignBody,
  boardOrder,
  canAssign,
  canCancel,
  cancelBody,
  inspectorChoices,
  leaseState,
  isOverdue,
  loadAllPages,
  spanParts,
  timing,
} from '../src/views/supervisor/board.js'

const NOW = Date.parse('2026-11-27T12:00:00Z')
const at = (hoursFromNow) => new Date(NOW + hoursFromNow * 3600_000).toISOString()

describe('statuses', () => {
  it('lists the instruction lifecycle in its order', () => {
    expect(STATUSES).toEqual(['pending', 'assigned', 'accepted', 'in_progress', 'completed', 'cancelled'])
  })
})

describe('overdue and timing', () => {
  it('an open instruction past its deadline is overdue; a closed one or one without a deadline is not', () => {
    expect(isOverdue({ status: 'in_progress', deadline: at(-1) }, NOW)).toBe(true)
    expect(isOverdue({ status: 'in_progress', deadline: at(1) }, NOW)).toBe(false)
    expect(isOverdue({ status: 'completed', deadline: at(-1) }, NOW)).toBe(false)
    expect(isOverdue({ status: 'cancelled', deadline: at(-1) }, NOW)).toBe(false)
    expect(isOverdue({ status: 'assigned', deadline: null }, NOW)).toBe(false)
  })

  it('says how long until or since the deadline, else how long ago it was issued', () => {
    expect(timing({ status: 'assigned', deadline: at(-3) }, NOW)).toEqual({ kind: 'overdue', parts: { key: 'hours', n: 3 } })
    expect(timing({ status: 'assigned', deadline: at(0.5) }, NOW)).toEqual({ kind: 'due', parts: { key: 'minutes', n: 30 } })
    expect(timing({ status: 'completed', deadline: at(-3), created_at: at(-72) }, NOW)).toEqual({ kind: 'age', parts: { key: 'days', n: 3 } })
    expect(timing({ status: 'pending', deadline: null, created_at: at(-2) }, NOW)).toEqual({ kind: 'age', parts: { key: 'hours', n: 2 } })
  })

  it('rounds spans down into minutes, hours (under two days) or days', () => {
    expect(spanParts(null)).toBeNull()
    expect(spanParts(59.9)).toEqual({ key: 'minutes', n: 59 })
    expect(spanParts(47 * 60)).toEqual({ key: 'hours', n: 47 })
    expect(spanParts(48 * 60)).toEqual({ key: 'days', n: 2 })
  })

  it('orders overdue first, then open by deadline (none last), then closed newest first', () => {
    const rows = [
      { id: 1, status: 'completed' },
      { id: 2, status: 'assigned', deadline: null },
      { id: 3, status: 'accepted', deadline: at(5) },
      { id: 4, status: 'in_progress', deadline: at(-1) },
      { id: 5, status: 'pending', deadline: at(2) },
      { id: 6, status: 'cancelled' },
    ]
    expect(boardOrder(rows, NOW).map((r) => r.id)).toEqual([4, 5, 3, 2, 6, 1])
  })
})

describe('cancel', () => {
  it('needs a reason and sends the version seen', () => {
    expect(cancelBody('   ', 4)).toEqual({ error: 'reason' })
    expect(cancelBody('x'.repeat(501), 4)).toEqual({ error: 'reason' })
    expect(cancelBody(' 企业撤回申请 ', 4)).toEqual({ body: { reason: '企业撤回申请', expected_version: 4 } })
  })

  it('is offered until the instruction is completed or cancelled', () => {
    expect(['pending', 'assigned', 'accepted', 'in_progress'].every((status) => canCancel({ status }))).toBe(true)
    expect(canCancel({ status: 'completed' }) || canCancel({ status: 'cancelled' }) || canCancel(null)).toBe(false)
  })
})

describe('assign', () => {
  const instruction = { id: 7, status: 'accepted', inspector_id: 3, version: 5 }

  it('sends the chosen inspector with the version seen, never nobody or the current assignee', () => {
    expect(assignBody(4, instruction)).toEqual({ body: { inspector_id: 4, expected_version: 5 } })
    expect(assignBody(null, instruction)).toEqual({ error: 'inspector' })
    expect(assignBody(3, instruction)).toEqual({ error: 'inspector' })
    expect(assignBody(3, { ...instruction, inspector_id: null, status: 'pending' })).toEqual({
      body: { inspector_id: 3, expected_version: 5 },
    })
  })

  it('is offered while the instruction is open, as the API allows', () => {
    expect(['pending', 'assigned', 'accepted', 'in_progress'].every((status) => canAssign({ status }))).toBe(true)
    expect(canAssign({ status: 'completed' }) || canAssign({ status: 'cancelled' }) || canAssign(null)).toBe(false)
  })

  it('lists the least busy inspectors first, then by name, and marks the current one', () => {
    const inspectors = [
      { id: 1, display_name: '王五', open_count: 2 },
      { id: 2, display_name: '李四', open_count: 0 },
      { id: 3, display_name: '张三', open_count: 0 },
    ]
    const choices = inspectorChoices(inspectors, 1)
    expect(choices.map((c) => c.id)).toEqual([2, 3, 1])
    expect(choices.map((c) => c.current)).toEqual([false, false, true])
    expect(inspectors[0]).not.toHaveProperty('current') // the API's list is left as it was
    expect(inspectorChoices(undefined)).toEqual([])
  })
})

describe('lease', () => {
  const lease = { inspector_id: 8, inspector_name: '外勤查检员 孙勤', device_id: 'phone-a-0001', expires_at: at(2), expired: false }

  it('is nothing without a lease, else holder, device and until when', () => {
    expect(leaseState(null, NOW)).toBeNull()
    expect(leaseState(lease, NOW)).toEqual({ holder: '外勤查检员 孙勤', holderId: 8, device: 'phone-a-0001', until: at(2), expired: false })
  })

  it('is expired when the server said so or its time has passed since', () => {
    expect(leaseState({ ...lease, expired: true }, NOW).expired).toBe(true)
    expect(leaseState(lease, NOW + 3 * 3600_000).expired).toBe(true)
    expect(leaseState({ ...lease, expired: undefined, expires_at: at(-1) }, NOW).expired).toBe(true)
  })
})

describe('paging', () => {
  it('asks with before_id until a page is short, and says when it stopped early', async () => {
    const all = Array.from({ length: 5 }, (_, i) => ({ id: 5 - i }))
    const asked = []
    const fetchPage = async ({ limit, beforeId }) => {
      asked.push(beforeId)
      return all.filter((row) => beforeId === null || row.id < beforeId).slice(0, limit)
    }
    expect(await loadAllPages(fetchPage, { limit: 2 })).toEqual({ items: all, complete: true })
    expect(asked).toEqual([null, 4, 2])
    expect((await loadAllPages(fetchPage, { limit: 2, maxPages: 2 })).complete).toBe(false)
  })
})
