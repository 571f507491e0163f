import { describe, expect, it } from 'vitest'
import { SENT_LATER, createRules } from '../src/sync/rules.js'
import { expectedStatus, keyedBySection, messageIn, ruleMessage, sectionOf, serverProblems } from '../src/views/inspector/taskState.js'

// A small schema in the published form (the real ones are checked against the server by
// tests/sync/test_rules_parity.py): a whole operation whose body has the shapes the server uses.
const text = { type: 'string', maxLength: 5, not: { type: 'string', pattern: '\u0000' } }
const disposition = {
  type: 'object',
  required: ['op_id', 'type', 'target', 'base_version', 'recorded_at', 'body'],
  additionalProperties: false,
  properties: {
    op_id: { type: 'string', pattern: '^[0-9a-f-]{36}$' },
    type: { const: 'disposition.set' },
    target: { type: 'object', required: ['instruction_id'], properties: { instruction_id: { type: 'integer', minimum: 1 } }, additionalProperties: false },
    base_version: { type: 'integer', minimum: 0 },
    recorded_at: { type: 'string' },
    body: {
      type: 'object',
      required: ['kind'],
      properties: { kind: { type: 'string', enum: ['release', 'treatment'] } },
      additionalProperties: true,
      allOf: [
        { if: { properties: { kind: { const: 'release' } }, required: ['kind'] }, then: { type: 'object', properties: { kind: { enum: ['release'] }, notes: text }, additionalProperties: false } },
        {
          if: { properties: { kind: { const: 'treatment' } }, required: ['kind'] },
          then: {
            type: 'object',
            required: ['kind', 'method', 'duration_hours'],
            properties: { kind: { enum: ['treatment'] }, method: { ...text, minLength: 1, pattern: '^\\s*\\S' }, duration_hours: { type: 'number', exclusiveMinimum: 0, maximum: 720 }, quantity: { anyOf: [{ type: 'number' }, { type: 'string', pattern: '^[0-9]+$' }] } },
            additionalProperties: false,
          },
        },
      ],
    },
  },
}
const photo = { type: 'object', required: ['op_id', 'target'], properties: { op_id: { type: 'string' }, target: { type: 'object', required: ['photo_id'], properties: { photo_id: { type: 'integer' } } } } }
const op = (body) => ({ type: 'disposition.set', target: { instruction_id: 1 }, base_version: 0, recorded_at: '2026-11-27T10:00:00+08:00', body })

describe('the phone checks an operation with the published rules', () => {
  const rules = createRules({ 'disposition.set': disposition, 'photo.attach': photo })

  it('accepts what follows the rules, with a stand-in op_id (the entry id is given when sent)', () => {
    expect(rules.check(op({ kind: 'release' }))).toEqual({ valid: true, fields: {} })
    expect(rules.check(op({ kind: 'treatment', method: '熏蒸', duration_hours: 24 })).valid).toBe(true)
    expect(SENT_LATER.op_id).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('names each field of the kind with what is wrong there', () => {
    const { valid, fields } = rules.check(op({ kind: 'treatment', method: '  ', duration_hours: '24', quantity: '1e3', extra: 1 }))
    expect(valid).toBe(false)
    expect(fields).toEqual({
      'body.method': [{ rule: 'blank' }],
      'body.duration_hours': [{ rule: 'type:number' }],
      'body.quantity': [{ rule: 'decimal' }],
      'body.extra': [{ rule: 'unknown' }],
    })
    expect(rules.check(op({ kind: 'treatment', method: 'x' })).fields).toEqual({ 'body.duration_hours': [{ rule: 'required' }] })
    expect(rules.check(op({ kind: 'treatment', method: 'x', duration_hours: 0 })).fields).toEqual({ 'body.duration_hours': [{ rule: 'exclusiveMinimum', limit: 0 }] })
    expect(rules.check(op({ kind: 'release', notes: 'a\u0000' })).fields).toEqual({ 'body.notes': [{ rule: 'nul' }] })
    expect(rules.check(op({ kind: 'release', notes: '123456' })).fields).toEqual({ 'body.notes': [{ rule: 'maxLength', limit: 5 }] })
    expect(rules.check(op({ kind: 'teleport' })).fields).toEqual({ 'body.kind': [{ rule: 'enum' }] })
    expect(rules.check({ ...op({ kind: 'release' }), base_version: null }).fields).toEqual({ base_version: [{ rule: 'type:integer' }] })
  })

  it('fills a photo link’s server id with a stand-in and lets unknown types through to the server', () => {
    expect(rules.check({ type: 'photo.attach', target: { photo_id: null } }).valid).toBe(true)
    expect(rules.knows('photo.rotate')).toBe(false)
    expect(rules.check({ type: 'photo.rotate', body: {} })).toEqual({ valid: true, fields: {}, unknownType: true })
  })
})

describe('the task screens read problems and statuses', () => {
  it('puts field paths into the parts of the task', () => {
    expect(sectionOf({ type: 'item_result.set', target: { item_id: 5 } })).toBe('item:5')
    expect(sectionOf({ type: 'disposition.set', target: {} })).toBe('disposition')
    expect(sectionOf({ type: 'instruction.complete', target: {} })).toBe('steps')
    expect(keyedBySection('disposition', { 'body.duration_hours': [1], base_version: [2] })).toEqual({ 'disposition.duration_hours': [1], 'disposition._operation': [2] })
  })

  it('reads the server’s nested field errors and picks the language', () => {
    const errors = { duration_hours: ['须为数字 / must be a number'], measurements: { moisture: { value: ['须为数字 / must be a number'] } } }
    expect(serverProblems(errors)).toEqual({ 'body.duration_hours': ['须为数字 / must be a number'], 'body.measurements.moisture.value': ['须为数字 / must be a number'] })
    expect(messageIn('须为数字 / must be a number', 'zh-CN')).toBe('须为数字')
    expect(messageIn('须为数字 / must be a number', 'en')).toBe('must be a number')
    expect(messageIn('not an item of this instruction', 'zh-CN')).toBe('not an item of this instruction')
    expect(ruleMessage({ rule: 'type:number' })).toEqual({ key: 'inspector.rules.type_number', values: { limit: undefined } })
  })

  it('shows the status the task will have once its queue is sent, up to a refusal', () => {
    const doc = { id: 7, status: 'assigned' }
    const step = (type, state = 'waiting', id = 7) => ({ kind: 'op', state, body: { type, target: { instruction_id: id } } })
    expect(expectedStatus(doc, [])).toBe('assigned')
    expect(expectedStatus(doc, [step('instruction.accept'), step('instruction.start'), step('item_result.set')])).toBe('in_progress')
    expect(expectedStatus(doc, [step('instruction.accept'), step('instruction.start', 'waiting', 8)])).toBe('accepted')
    expect(expectedStatus({ id: 7, status: 'in_progress' }, [step('disposition.set', 'conflict'), step('instruction.complete')])).toBe('in_progress')
    expect(expectedStatus({ id: 7, status: 'in_progress' }, [step('disposition.set'), step('instruction.complete')])).toBe('completed')
  })
})
