// The certificate officer's desk without DOM or Vue: rule results in the order an officer reads
// them, the queue's client-side filters, a decision reason. Unit-tested.
export { waitingMinutes, waitingParts } from '../review/desk.js'

/** The intelligent review's results with the failed rules first, each group in the server's order. */
export function rulesFailedFirst(results) {
  const list = Array.isArray(results) ? results.filter(Boolean) : []
  return [...list.filter((r) => r.passed === false), ...list.filter((r) => r.passed !== false)]
}

/** Names of the rules an application failed. */
export const failedRuleNames = (application) => rulesFailedFirst(application?.rule_results).filter((r) => r.passed === false).map((r) => r.rule)

/** A rule's reason in `locale` first, the other language second (either may be missing). */
export function reasons(rule, locale) {
  const [first, second] = locale === 'en' ? [rule.reason_en, rule.reason_zh] : [rule.reason_zh, rule.reason_en]
  return { main: first || second || '', other: first && second && second !== first ? second : '' }
}

/**
 * The queue as filtered on this device (the queue API pages by id only): by certificate type, by a
 * failed rule, and by text in the e-record number, applicant or consignee.
 */
export function filterQueue(items, { type = '', rule = '', text = '' } = {}, applicants = {}) {
  const needle = text.trim().toLowerCase()
  return items.filter((item) => {
    if (type && item.type_code !== type) return false
    if (rule && !failedRuleNames(item).includes(rule)) return false
    if (!needle) return true
    const consignee = item.form?.consignee ?? {}
    const haystack = [item.e_record_no, applicants[item.e_record_no]?.name, applicants[item.e_record_no]?.code, consignee.name_zh, consignee.name_en, `#${item.id}`]
    return haystack.some((value) => value && String(value).toLowerCase().includes(needle))
  })
}

/** The body of a return or rejection: a trimmed reason of 1–500 characters, or { error }. */
export function decisionReason(text) {
  const reason = (text ?? '').trim()
  if (!reason) return { error: 'empty' }
  if (reason.length > 500) return { error: 'long' }
  return { reason }
}
