// Validation findings from the server ({severity, path, rule, message_zh, message_en}, paths like
// "goods[2].hs_code") turned into what the form shows beside each field. No Vue, no DOM.

const ORDER = { error: 0, warning: 1, info: 2 }

/** The finding's message in the UI language. */
export const findingText = (finding, locale) => (locale === 'en' ? finding.message_en || finding.message_zh : finding.message_zh || finding.message_en)

/** Findings sorted errors first, then warnings, then hints; stable within a severity. */
export function sortFindings(findings = []) {
  return findings.map((f, i) => [f, i]).sort((a, b) => (ORDER[a[0].severity] ?? 3) - (ORDER[b[0].severity] ?? 3) || a[1] - b[1]).map(([f]) => f)
}

/**
 * `{ path: { severity, messages: [...] } }`: the worst severity per field and every message, so a
 * field shows "第1行 HS编码…" under itself.
 */
export function findingsByPath(findings = [], locale = 'zh-CN') {
  const byPath = {}
  for (const finding of sortFindings(findings)) {
    const entry = (byPath[finding.path] ??= { severity: finding.severity, messages: [] })
    if ((ORDER[finding.severity] ?? 3) < (ORDER[entry.severity] ?? 3)) entry.severity = finding.severity
    entry.messages.push(findingText(finding, locale))
  }
  return byPath
}

/** Counts per severity. */
export function countFindings(findings = []) {
  const counts = { error: 0, warning: 0, info: 0 }
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1
  return counts
}

/** The form section a path belongs to: goods, containers, qualifications, certificates or basic. */
export function sectionOf(path = '') {
  const head = path.split(/[.[]/)[0]
  return ['goods', 'containers', 'qualifications', 'certificates'].includes(head) ? head : 'basic'
}

/** A DOM id for a field's path ("goods[0].hs_code" → "field-goods-0-hs_code"). */
export const fieldId = (path) => `field-${path.replace(/\[(\d+)\]/g, '-$1').replace(/\./g, '-')}`

/**
 * Findings from a refused request: a 422 submit carries them in `detail.findings`; a shape error
 * (marshmallow) has only `errors` ({"goods[0].quantity": ["…"]} or nested {"json": {...}}).
 */
export function findingsFromError(error) {
  const listed = error?.body?.detail?.findings
  if (Array.isArray(listed)) return listed
  const out = []
  const walk = (value, path) => {
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
      for (const message of value) out.push({ severity: 'error', path, rule: 'request.invalid', message_zh: message, message_en: message })
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key === 'json' && !path) walk(inner, '')
        else walk(inner, /^\d+$/.test(key) ? `${path}[${key}]` : path ? `${path}.${key}` : key)
      }
    }
  }
  walk(error?.errors ?? {}, '')
  return out
}

/**
 * The reviewer's reasons of the latest return (退回), as findings on their fields: a returned
 * application shows them beside the fields to fix until it is submitted again.
 */
export function findingsFromReturn(receipts = []) {
  const returned = [...receipts].reverse().find((r) => r.code === 'RETURNED')
  return (returned?.field_reasons ?? []).map((reason) => ({
    severity: 'error',
    path: reason.path,
    rule: 'review.returned',
    message_zh: `审核退回：${reason.reason_zh}`,
    message_en: `Returned by review: ${reason.reason_en || reason.reason_zh}`,
  }))
}
