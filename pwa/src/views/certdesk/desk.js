// The certificate officer's desk without DOM or Vue: rule results in the order an officer reads
// them, the queue's text filter and live removal, enterprise lines. Unit-tested. (A decision
// reason's rule is components/decision.js, shared with the other desks.)
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
 * The queue page as narrowed on this device. Type and failed rule are filtered by the server (the
 * page already holds only those); they are checked again so a row that arrived otherwise cannot
 * show. Text matches the e-record number, the applicant's name or customs code, the consignee or #id.
 */
export function filterQueue(items, { type = '', rule = '', text = '' } = {}) {
  const needle = text.trim().toLowerCase()
  return items.filter((item) => {
    if (type && item.type_code !== type) return false
    if (rule && !failedRuleNames(item).includes(rule)) return false
    if (!needle) return true
    const consignee = item.form?.consignee ?? {}
    const applicant = item.applicant ?? {}
    const haystack = [item.e_record_no, applicant.name_zh, applicant.name_en, applicant.customs_code, consignee.name_zh, consignee.name_en, `#${item.id}`]
    return haystack.some((value) => value && String(value).toLowerCase().includes(needle))
  })
}

/** The queue after a `certificate_application.decided` message: the decided application leaves it. */
export function withoutDecided(items, message) {
  const id = Number(message?.application_id)
  return Number.isFinite(id) ? items.filter((item) => item.id !== id) : items
}

/** An enterprise as one line: its name in `locale` (the other as fallback) and its customs code. */
export function enterpriseLine(enterprise, locale) {
  if (!enterprise) return ''
  const name = locale === 'en' ? enterprise.name_en || enterprise.name_zh : enterprise.name_zh || enterprise.name_en
  return [name, enterprise.customs_code].filter(Boolean).join(' · ')
}

