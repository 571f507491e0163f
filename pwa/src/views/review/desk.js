// The reviewer's desk without DOM or Vue: queue filters → query string, waiting time, the fields a
// return reason can point at (paths the API accepts), and the return body. Unit-tested.

export const QUEUE_STATUSES = ['accepted', 'under_review']

const FILTER_RULES = {
  status: (v) => QUEUE_STATUSES.includes(v),
  inspection_no: (v) => /^[0-9A-Z]{1,15}$/.test(v),
  applicant_code: (v) => /^[0-9A-Z]{10}$/.test(v),
  destination_country: (v) => /^[A-Z]{3}$/.test(v),
  hs_prefix: (v) => /^\d{2,10}$/.test(v),
}

/** Normalise the filter form: trimmed, upper-cased codes; returns { query, invalid: [names] }. */
export function queueQuery(filters = {}, { limit = 50, cursor = null } = {}) {
  const query = new URLSearchParams()
  const invalid = []
  for (const [name, valid] of Object.entries(FILTER_RULES)) {
    let value = (filters[name] ?? '').toString().trim()
    if (name !== 'status') value = value.toUpperCase()
    if (!value) continue
    if (valid(value)) query.set(name, value)
    else invalid.push(name)
  }
  query.set('limit', String(limit))
  if (cursor) query.set('cursor', cursor)
  return { query: query.toString(), invalid }
}

/** Whole minutes from `since` (ISO text) to `now` (ms), never negative; null without a time. */
export function waitingMinutes(since, now = Date.now()) {
  if (!since) return null
  const start = Date.parse(since)
  if (Number.isNaN(start)) return null
  return Math.max(0, Math.floor((now - start) / 60000))
}

/** { key, n } for an i18n message: review.waiting.minutes / hours / days. */
export function waitingParts(minutes) {
  if (minutes === null || minutes === undefined) return null
  if (minutes < 60) return { key: 'minutes', n: minutes }
  if (minutes < 48 * 60) return { key: 'hours', n: Math.floor(minutes / 60) }
  return { key: 'days', n: Math.floor(minutes / 1440) }
}

/** Overdue after this many hours in the queue (shown in a warning colour). */
export const OVERDUE_HOURS = 24

export const BASIC_FIELDS = [
  'applicant_code', 'applicant_name', 'consignor_code', 'consignor_name_zh', 'consignor_name_en',
  'consignee_name_zh', 'consignee_name_en', 'consignee_address', 'trade_mode', 'trade_country',
  'destination_country', 'departure_port', 'arrival_port', 'transport_mode', 'transport_name',
  'contract_no', 'lc_no', 'shipping_date', 'storage_place', 'marks', 'special_requirements',
  'total_packages', 'package_kind', 'total_net_weight', 'total_gross_weight',
  'containers', 'qualifications', 'certificates', 'attachments',
]

export const GOODS_FIELDS = [
  'hs_code', 'ciq_code', 'name_zh', 'name_en', 'origin_place', 'quantity', 'quantity_unit',
  'net_weight', 'value', 'currency', 'packing_kind', 'packing_count', 'producer_name',
  'producer_registration_no', 'purpose', 'batch_no',
]

// The server's pattern for a field path (backend/review/schemas.py FIELD_PATH).
const FIELD_PATH = /^[a-z][a-z0-9_]*(\[\d{1,4}\])?(\.[a-z][a-z0-9_]*(\[\d{1,4}\])?){0,3}$/

export function isFieldPath(path) {
  return typeof path === 'string' && FIELD_PATH.test(path)
}

/**
 * Every field a reviewer can return, as { path, field, line } (line: 1-based goods line or null),
 * for an application with `goodsCount` goods lines.
 */
export function returnableFields(goodsCount = 0) {
  const fields = BASIC_FIELDS.map((field) => ({ path: field, field, line: null }))
  for (let index = 0; index < goodsCount; index += 1) {
    for (const field of GOODS_FIELDS) fields.push({ path: `goods[${index}].${field}`, field, line: index + 1 })
  }
  return fields
}

/** { field, line } of a path such as "goods[1].hs_code" (line 2) or "contract_no". */
export function describePath(path) {
  const match = /^goods\[(\d+)\]\.([a-z_]+)/.exec(path ?? '')
  if (match) return { field: match[2], line: Number(match[1]) + 1 }
  return { field: (path ?? '').split(/[.[]/)[0], line: null }
}

/**
 * The return request body from the dialog's rows ([{ path, reason }]) and an optional note.
 * Returns { body } or { errors: { index: 'path' | 'reason' | 'duplicate' }, empty: true? }.
 */
export function returnBody(rows, { version, note = '' }) {
  const errors = {}
  const seen = new Set()
  const reasons = []
  rows.forEach((row, index) => {
    const path = (row.path ?? '').trim()
    const reason = (row.reason ?? '').trim()
    if (!isFieldPath(path)) errors[index] = 'path'
    else if (!reason || reason.length > 500) errors[index] = 'reason'
    else if (seen.has(path)) errors[index] = 'duplicate'
    else {
      seen.add(path)
      reasons.push({ path, reason_zh: reason })
    }
  })
  if (!rows.length) return { errors, empty: true }
  if (Object.keys(errors).length) return { errors }
  const body = { expected_version: version, field_reasons: reasons }
  if (note.trim()) body.note_zh = note.trim().slice(0, 500)
  return { body }
}

/** The words for a field path with the app's translate functions: "货物第 2 项 · HS 编码". */
export function fieldText(path, t, te) {
  if (!path) return ''
  const { field, line } = describePath(path)
  const key = `review.field.${field}`
  const name = te(key) ? t(key) : path
  return line ? t('review.goodsField', { line, field: name }) : name
}
