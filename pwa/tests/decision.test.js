// The officers' decision dialogs: the reason rule they share and their reset on opening.
import { describe, expect, it } from 'vitest'
import { nextTick, reactive } from 'vue'
import { decisionNote, decisionReason, REASON_MAX } from '../src/components/decision.js'
import { onDialogOpen } from '../src/components/onDialogOpen.js'
import { cancelBody } from '../src/views/supervisor/board.js'

describe('decision reasons', () => {
  it('needs 1 to 500 characters after trimming', () => {
    expect(decisionReason('  ')).toEqual({ error: 'empty' })
    expect(decisionReason(undefined)).toEqual({ error: 'empty' })
    expect(decisionReason('x'.repeat(REASON_MAX + 1))).toEqual({ error: 'long' })
    expect(decisionReason(` ${'x'.repeat(REASON_MAX)} `)).toEqual({ reason: 'x'.repeat(REASON_MAX) })
    expect(decisionReason(' 请补充检验结果 ')).toEqual({ reason: '请补充检验结果' })
  })

  it('an approval note may be empty (null) but not longer than 500 characters', () => {
    expect(decisionNote('  ')).toEqual({ reason: null })
    expect(decisionNote(undefined)).toEqual({ reason: null })
    expect(decisionNote(' 已核对原证书正本，准予重发。 ')).toEqual({ reason: '已核对原证书正本，准予重发。' })
    expect(decisionNote('x'.repeat(REASON_MAX + 1))).toEqual({ error: 'long' })
  })

  it('is the rule of a supervisor cancellation too', () => {
    expect(cancelBody('x'.repeat(REASON_MAX), 2)).toEqual({ body: { reason: 'x'.repeat(REASON_MAX), expected_version: 2 } })
    expect(cancelBody('x'.repeat(REASON_MAX + 1), 2)).toEqual({ error: 'reason' })
  })
})

describe('onDialogOpen', () => {
  it('resets each time show turns true, not when it closes', async () => {
    const props = reactive({ show: false })
    let resets = 0
    onDialogOpen(props, () => (resets += 1))
    expect(resets).toBe(0)
    props.show = true
    await nextTick()
    expect(resets).toBe(1)
    props.show = false
    await nextTick()
    expect(resets).toBe(1)
    props.show = true
    await nextTick()
    expect(resets).toBe(2)
  })

  it('with immediate, also resets a dialog created open', () => {
    let resets = 0
    onDialogOpen(reactive({ show: true }), () => (resets += 1), { immediate: true })
    expect(resets).toBe(1)
  })
})
