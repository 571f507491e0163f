// Pure helpers of the task screens (no Vue, no IndexedDB): unit-tested in tests/inspector.rules.test.js.

const STEP_STATUS = { 'instruction.accept': 'accepted', 'instruction.start': 'in_progress', 'instruction.complete': 'completed' }

/**
 * The status an instruction will have once the phone's queue is sent: the pulled status moved on by
 * its queued steps (accept, start, complete), in order, up to the first entry the server refused.
 */
export function expectedStatus(doc, entries) {
  let status = doc?.status ?? null
  for (const entry of entries ?? []) {
    if (entry.kind !== 'op' || entry.body?.target?.instruction_id !== doc?.id) continue
    if (entry.state === 'conflict') break
    status = STEP_STATUS[entry.body.type] ?? status
  }
  return status
}

/** Where an operation sits in the task screen: one part of the task per target. */
export function sectionOf(op) {
  switch (op.type) {
    case 'item_result.set':
      return `item:${op.target.item_id}`
    case 'sample.add':
      return `sample:${op.target.sample_id}`
    case 'conclusion.set':
    case 'disposition.set':
    case 'signature.set':
      return op.type.split('.')[0]
    case 'photo.attach':
      return 'photo'
    default:
      return 'steps'
  }
}

/** Field paths of an operation ('body.duration_hours') as keys of the form ('disposition.duration_hours'). */
export function keyedBySection(section, fields) {
  const out = {}
  for (const [path, problems] of Object.entries(fields ?? {})) {
    const key = path.startsWith('body.') ? `${section}.${path.slice(5)}` : `${section}._operation`
    out[key] = [...(out[key] ?? []), ...problems]
  }
  return out
}

/**
 * The server's field errors of a refused operation ({ field: [msg] }, nested for nested fields) as
 * { 'body.field': ['中文 / English'] }. `prefix` is where the body sits in the operation.
 */
export function serverProblems(errors, prefix = 'body') {
  const out = {}
  const walk = (node, path) => {
    if (Array.isArray(node)) out[path.join('.')] = node.map(String)
    else if (node && typeof node === 'object') for (const [key, value] of Object.entries(node)) walk(value, [...path, key])
    else if (node != null) out[path.join('.')] = [String(node)]
  }
  walk(errors ?? {}, prefix ? [prefix] : [])
  return out
}

/** The half of a "中文 / English" message for `locale` (messages in one language pass through). */
export function messageIn(message, locale) {
  const text = String(message ?? '')
  const cut = text.indexOf(' / ')
  if (cut < 0) return text
  return locale === 'en' ? text.slice(cut + 3) : text.slice(0, cut)
}

/** A problem found by the phone's rules as a message key and its values, for vue-i18n. */
export function ruleMessage(problem) {
  const rule = String(problem.rule ?? 'other').replace(':', '_')
  return { key: `inspector.rules.${rule}`, values: { limit: problem.limit } }
}
