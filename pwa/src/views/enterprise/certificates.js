// The enterprise's certificates (证书, key login only): calls to the certificate API and the small
// pure helpers its screens share (failed review rules, the verification path, the PDF as a blob).
import { api } from '../../app/api.js'
import { fetchBlob } from '../../components/desk/download.js'

const Q = '/api/v1/certificate-query'
const A = '/api/v1/certificate-applications'

const search = (params) => {
  const text = new URLSearchParams(Object.entries(params ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString()
  return text ? `?${text}` : ''
}

export const certificates = {
  list: (params) => api.get(`${Q}/certificates${search(params)}`),
  applications: (params) => api.get(`${Q}/applications${search(params)}`),
  application: (id) => api.get(`${A}/${id}`),
  create: (body) => api.post(A, body),
  submit: (id, version) => api.post(`${A}/${id}/submit`, { version }),
}

/** The rules intelligent review did not pass (why an application went to the officer's queue). */
export function failedRules(application) {
  return (application?.rule_results ?? []).filter((rule) => rule && rule.passed === false)
}

/** A rule's reason in the UI language, falling back to the other one. */
export const ruleReason = (rule, locale) => (locale === 'en' ? rule.reason_en || rule.reason_zh : rule.reason_zh || rule.reason_en) || rule.rule

/** The public verification page of a certificate (the same the QR code on the paper opens). */
export const verifyPath = (certificateNo) => `/verify/${encodeURIComponent(certificateNo)}`

/** The certificate's PDF path on the API. */
export const pdfPath = (certificateNo) => `/api/v1/certificates/${encodeURIComponent(certificateNo)}/pdf`

/** A PDF of the API as a Blob, with the session's bearer token (see components/desk/download.js). */
export const fetchPdfAt = (path, options = {}) => fetchBlob(path, { accept: 'application/pdf', ...options })

/** The certificate's PDF (a copy, watermarked 副本) as a Blob. */
export const fetchPdf = (certificateNo, options = {}) => fetchPdfAt(pdfPath(certificateNo), options)

/**
 * Open a PDF in a new tab (a blob: URL, released after a minute). The tab opens at once, inside the
 * click, so that pop-up blockers let it through; `load()` then fetches the Blob.
 */
export async function openPdfFrom(load, { win = globalThis.window } = {}) {
  const opened = win.open('', '_blank')
  try {
    const blob = await load()
    const url = win.URL.createObjectURL(blob)
    if (opened) opened.location.href = url
    else win.location.assign(url)
    win.setTimeout(() => win.URL.revokeObjectURL(url), 60_000)
    return url
  } catch (error) {
    opened?.close()
    throw error
  }
}

/** Save a file of the API (an export, a zip: fetched with the session's token) under `filename`. */
export async function saveFileAt(path, filename, { win = globalThis.window, ...options } = {}) {
  const blob = await fetchPdfAt(path, options)
  const url = win.URL.createObjectURL(blob)
  const link = win.document.createElement('a')
  link.href = url
  link.download = filename
  win.document.body.appendChild(link)
  link.click()
  link.remove()
  win.setTimeout(() => win.URL.revokeObjectURL(url), 60_000)
}

/** Open the certificate's PDF in a new tab. */
export const openPdf = (certificateNo, { win, ...options } = {}) => openPdfFrom(() => fetchPdf(certificateNo, options), { win })

export const certificateTypes = () => api.get('/api/v1/certificates/types')

/** The certificate types an application ticked (the only ones a certificate application may ask for). */
export const tickedTypes = (declaration) => [...new Set((declaration?.certificates ?? []).map((c) => c.cert_code).filter(Boolean))]

const decimal = (value) => {
  if (value === undefined || value === null || value === '') return null
  const text = String(value)
  return /^[0-9]{1,15}(\.[0-9]{1,3})?$/.test(text) ? text : null
}

/** A new certificate application's form, filled from its declaration (consignee, destination, goods). */
export function formFromDeclaration(declaration, typeFields = {}) {
  const goods = (declaration?.goods ?? []).map((item) => {
    const row = { hs_code: item.hs_code, description_zh: item.name_zh || item.hs_code }
    if (item.name_en) row.description_en = item.name_en
    if (decimal(item.quantity)) row.quantity = decimal(item.quantity)
    if (item.quantity_unit) row.quantity_unit = item.quantity_unit
    if (decimal(item.net_weight)) row.net_weight = decimal(item.net_weight)
    if (Number.isInteger(item.packing_count)) row.packages = item.packing_count
    if (item.packing_kind) row.package_kind = item.packing_kind
    return row
  })
  const form = { consignee: {}, goods, fields: {} }
  if (declaration?.consignee_name_en) form.consignee.name_en = declaration.consignee_name_en
  if (declaration?.consignee_address) form.consignee.address_en = declaration.consignee_address
  if (declaration?.destination_country) form.destination_country = declaration.destination_country
  if (declaration?.marks) form.marks = String(declaration.marks).slice(0, 1000)
  for (const [key, value] of Object.entries(typeFields)) if (typeof value === 'string' && value.trim()) form.fields[key] = value.trim()
  return form
}
