// The application form's data: what the screen edits (strings, as inputs give them) and the JSON
// body the server's DeclarationBodySchema accepts (unknown fields are refused, types are strict).
// No Vue, no DOM: unit-tested in tests/enterprise.form.test.js.

export const HEADER_FIELDS = [
  'district_code', 'applicant_code', 'applicant_name', 'consignor_code', 'consignor_name_zh', 'consignor_name_en',
  'consignee_name_zh', 'consignee_name_en', 'consignee_address', 'trade_mode', 'trade_country', 'destination_country',
  'departure_port', 'arrival_port', 'transport_mode', 'transport_name', 'contract_no', 'lc_no', 'shipping_date',
  'storage_place', 'marks', 'special_requirements', 'total_packages', 'package_kind', 'total_net_weight',
  'total_gross_weight',
]
export const GOODS_FIELDS = [
  'hs_code', 'ciq_code', 'name_zh', 'name_en', 'origin_place', 'quantity', 'quantity_unit', 'net_weight', 'value',
  'currency', 'packing_kind', 'packing_count', 'producer_name', 'producer_registration_no', 'purpose', 'batch_no',
]
const INTEGER_FIELDS = new Set(['total_packages', 'packing_count'])
const UPPER_FIELDS = new Set(['applicant_code', 'consignor_code', 'trade_country', 'destination_country', 'departure_port', 'arrival_port', 'currency'])

/** 所需单证 codes, in the order the form lists them. */
export const CERTIFICATE_CODES = ['11', '12', '13', '14', '15', '16', '17', '18', '19', '99']
export const QUALIFICATION_TYPES = [
  'BWG_PRODUCER', 'FOOD_PRODUCER', 'AQUATIC_PRODUCER', 'HONEY_PRODUCER', 'TEA_PLANTATION', 'FRUIT_ORCHARD',
  'FRUIT_PACKING', 'FEED_PRODUCER', 'ANIMAL_BYPRODUCT', 'FUMIGATION_UNIT',
]
export const ATTACHMENT_KINDS = ['contract', 'invoice', 'packing_list', 'lc', 'bill_of_lading', 'other']
/** Statuses in which the enterprise may still change the application. */
export const EDITABLE = ['draft', 'returned']
/** Statuses from which the enterprise may withdraw (before document review has started). */
export const WITHDRAWABLE = ['submitted', 'accepted', 'returned']
/** Statuses for which an inspection can be booked. */
export const BOOKABLE = ['accepted', 'inspection_notice']

const blankOf = (fields) => Object.fromEntries(fields.map((field) => [field, '']))

export const emptyGoodsLine = () => blankOf(GOODS_FIELDS)
export const emptyContainer = () => ({ size_type: '', count: '', numbers: '' })
export const emptyQualification = () => ({ type_code: '', number: '', holder_name: '' })

/** A new application, pre-filled with the signed-in enterprise as applicant and consignor. */
export function emptyForm(enterprise = null) {
  const form = { ...blankOf(HEADER_FIELDS), goods: [emptyGoodsLine()], containers: [], qualifications: [], certificates: [] }
  if (enterprise) {
    form.applicant_code = enterprise.customs_code ?? ''
    form.applicant_name = enterprise.name_zh ?? ''
    form.consignor_code = enterprise.customs_code ?? ''
    form.consignor_name_zh = enterprise.name_zh ?? ''
    form.consignor_name_en = enterprise.name_en ?? ''
  }
  return form
}

const asText = (value) => (value === null || value === undefined ? '' : String(value))

/** The form for a stored application (server JSON). */
export function formFromDeclaration(declaration) {
  const form = Object.fromEntries(HEADER_FIELDS.map((field) => [field, asText(declaration[field])]))
  form.goods = (declaration.goods ?? []).map((line) => Object.fromEntries(GOODS_FIELDS.map((field) => [field, asText(line[field])])))
  form.containers = (declaration.containers ?? []).map((c) => ({ size_type: asText(c.size_type), count: asText(c.count), numbers: (c.numbers ?? []).join(', ') }))
  form.qualifications = (declaration.qualifications ?? []).map((q) => ({ type_code: asText(q.type_code), number: asText(q.number), holder_name: asText(q.holder_name) }))
  form.certificates = (declaration.certificates ?? []).map((c) => ({ cert_code: c.cert_code, originals: c.originals ?? 1, copies: c.copies ?? 0 }))
  return form
}

/** One input's value as the body wants it: trimmed text, null when empty, whole numbers for counts. */
export function fieldValue(field, raw) {
  const text = asText(raw).trim()
  if (text === '') return null
  if (INTEGER_FIELDS.has(field)) return /^\d+$/.test(text) ? Number(text) : text // the server explains a bad one
  return UPPER_FIELDS.has(field) ? text.toUpperCase() : text
}

const pick = (source, fields) => Object.fromEntries(fields.map((field) => [field, fieldValue(field, source[field])]))

/** The JSON body for save/validate/submit. */
export function bodyFromForm(form) {
  const body = pick(form, HEADER_FIELDS)
  if (!body.district_code) delete body.district_code // the server uses the enterprise's district
  body.goods = form.goods.map((line) => pick(line, GOODS_FIELDS))
  body.containers = form.containers
    .filter((c) => asText(c.size_type).trim() || asText(c.count).trim() || asText(c.numbers).trim())
    .map((c) => ({
      size_type: asText(c.size_type).trim().toUpperCase(),
      count: /^\d+$/.test(asText(c.count).trim()) ? Number(asText(c.count).trim()) : 0,
      numbers: asText(c.numbers).split(/[\s,，;；]+/).map((n) => n.trim().toUpperCase()).filter(Boolean),
    }))
  body.qualifications = form.qualifications
    .filter((q) => q.type_code || asText(q.number).trim())
    .map((q) => ({ type_code: q.type_code, number: asText(q.number).trim(), holder_name: asText(q.holder_name).trim() || null }))
  body.certificates = form.certificates.map((c) => ({ cert_code: c.cert_code, originals: Number(c.originals) || 0, copies: Number(c.copies) || 0 }))
  return body
}

/** Sum of the goods lines' package counts and net weights (三单一致 hint shown beside the totals). */
export function goodsTotals(goods) {
  let packages = 0
  let weight = 0
  for (const line of goods) {
    packages += Number(line.packing_count) || 0
    weight += Number(line.net_weight) || 0
  }
  return { packages, netWeight: Math.round(weight * 1000) / 1000 }
}
