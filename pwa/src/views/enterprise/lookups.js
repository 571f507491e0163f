// Code look-ups for the application form's pick lists (GET /api/v1/lookups/{table}): which field
// looks up which table, what an HS/CIQ item needs, and what picking one fills in. No Vue, no DOM:
// unit-tested in tests/enterprise.lookups.test.js.

export const MIN_QUERY = 2

/** The code table each pick-list field looks up (header fields and goods-line fields). */
export const LOOKUP_TABLES = {
  trade_country: 'countries',
  destination_country: 'countries',
  departure_port: 'ports',
  arrival_port: 'ports',
  hs_code: 'hs',
  ciq_code: 'ciq',
  quantity_unit: 'units',
  currency: 'currencies',
}

/** The look-up address for what has been typed, or null when it is too short to ask. */
export function lookupPath(table, typed, limit = 8) {
  const q = String(typed ?? '').trim()
  if (q.length < MIN_QUERY) return null
  return `/api/v1/lookups/${table}?${new URLSearchParams({ q, limit: String(limit) })}`
}

const nameOf = (item, locale) => (locale?.startsWith('zh') ? item.name_zh || item.name_en : item.name_en || item.name_zh)

/** One line saying what goods of this HS/CIQ code are declared in and need (empty for other tables). */
export function goodsNeeds(item, t, locale) {
  const parts = []
  if (item.unit) parts.push(`${t('enterprise.lookup.unit')} ${item.unit_name ?? item.unit}`)
  if (item.supervision_conditions) parts.push(`${t('enterprise.lookup.supervision')} ${item.supervision_conditions}`)
  if (item.inspection_category) parts.push(`${t('enterprise.lookup.inspection')} ${item.inspection_category}`)
  if (item.qualifications?.length) parts.push(`${t('enterprise.lookup.needs')} ${item.qualifications.map((q) => nameOf(q, locale)).join('、')}`)
  if (item.certificates?.length) parts.push(`${t('enterprise.lookup.certificates')} ${item.certificates.map((c) => nameOf(c, locale)).join('、')}`)
  if (item.national === false) parts.push(t('enterprise.lookup.subheading', { level: item.level }))
  return parts.join(' · ')
}

/** The label of one pick-list item: code and name in the reader's language. */
export const itemLabel = (item, locale) => `${item.code} ${nameOf(item, locale) ?? ''}`.trim()

/**
 * Fill a goods line (and the form) from a picked HS or CIQ item: the codes, names and unit where the
 * line has none yet, and the registrations and certificates the goods need, added once.
 */
export function applyGoodsPick(form, line, field, item) {
  if (field === 'ciq_code') {
    line.ciq_code = item.code
    if (item.hs_code && !line.hs_code) line.hs_code = item.hs_code
  } else {
    line.hs_code = item.code
  }
  if (item.national !== false) {
    if (!line.name_zh && item.name_zh) line.name_zh = item.name_zh
    if (!line.name_en && item.name_en) line.name_en = item.name_en
  }
  if (!line.quantity_unit && item.unit) line.quantity_unit = item.unit
  for (const qualification of item.qualifications ?? []) {
    if (!form.qualifications.some((q) => q.type_code === qualification.code)) {
      form.qualifications.push({ type_code: qualification.code, number: '', holder_name: '' })
    }
  }
  for (const certificate of item.certificates ?? []) {
    if (!form.certificates.some((c) => c.cert_code === certificate.code)) {
      form.certificates.push({ cert_code: certificate.code, originals: 1, copies: 0 })
    }
  }
}
