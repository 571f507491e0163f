// 综合查询: what can be queried (declarations, e-records, instructions, certificates, certificate
// applications), each with the API list it pages through, the same filters that list takes, the
// CSV/XLSX exports of the server (same filters; the filters are written into the file) and the
// columns shown. Pure data and functions, unit-tested; QueryPanel.vue draws them.
import { queryString } from '../desk/download.js'

const DECLARATION_STATUSES = ['draft', 'submitted', 'accepted', 'under_review', 'returned', 'rejected', 'withdrawn', 'inspection_notice', 'inspecting', 'passed', 'failed', 'e_record_issued']
const INSTRUCTION_STATUSES = ['pending', 'assigned', 'accepted', 'in_progress', 'completed', 'cancelled']
const CERTIFICATE_STATUSES = ['issued', 'replaced', 'withdrawn']
const APPLICATION_STATUSES = ['draft', 'submitted', 'officer_review', 'returned', 'rejected', 'issued']
export const TYPE_CODES = ['11', '12', '13', '14', '15', '16', '17', '18', '19', '99']

const text = (name, pattern, max) => ({ name, type: 'text', pattern, max })
const day = (name) => ({ name, type: 'date' })
const choice = (name, options) => ({ name, type: 'select', options })
const INSPECTION_NO = text('inspection_no', /^[12]\d{2}[0-9A-Z]\d{11}$/, 15)
const E_RECORD_NO = text('e_record_no', /^[12]\d{2}[0-9A-Z]\d{14}$/, 18)
const CERTIFICATE_NO = text('certificate_no', /^\d{15}$/, 15)

const declarationColumns = [
  { key: 'inspection_no', value: (r) => r.inspection_no || `#${r.id}` },
  { key: 'status', status: 'declaration' },
  { key: 'consignee', value: (r) => r.consignee_name_zh || r.consignee_name_en },
  { key: 'created_at', date: (r) => r.created_at },
  { key: 'e_record_no', value: (r) => r.e_record?.e_record_no },
]
const certificatePages = (path) => ({
  list: `/api/v1/certificate-query/${path}`,
  file: `/api/v1/certificate-query/${path}`,
  cursorParam: 'cursor',
  page: (data) => ({ items: data.items, next: data.next_cursor }),
  key: true,
})

export const KINDS = {
  declarations: {
    list: '/api/v1/declarations',
    file: '/api/v1/declarations',
    cursorParam: 'cursor',
    page: (data) => ({ items: data.items, next: data.next_cursor }),
    filters: [choice('status', DECLARATION_STATUSES), INSPECTION_NO, E_RECORD_NO, day('created_from'), day('created_to')],
    columns: declarationColumns,
  },
  e_records: {
    list: '/api/v1/declarations',
    file: '/api/v1/declarations',
    cursorParam: 'cursor',
    page: (data) => ({ items: data.items, next: data.next_cursor }),
    fixed: { status: 'e_record_issued' },
    filters: [E_RECORD_NO, INSPECTION_NO, day('issued_from'), day('issued_to')],
    columns: [
      { key: 'e_record_no', value: (r) => r.e_record?.e_record_no },
      { key: 'e_record_status', status: 'e_record', of: (r) => r.e_record?.status },
      { key: 'inspection_no', value: (r) => r.inspection_no },
      { key: 'consignee', value: (r) => r.consignee_name_zh || r.consignee_name_en },
      { key: 'issued_at', date: (r) => r.e_record?.issued_at },
      { key: 'valid_until', date: (r) => r.e_record?.valid_until },
    ],
  },
  instructions: {
    list: '/api/v1/instructions',
    file: '/api/v1/instructions',
    cursorParam: 'before_id',
    page: (data, limit) => ({ items: data, next: data.length === limit ? data[data.length - 1].id : null }),
    filters: [choice('status', INSTRUCTION_STATUSES)],
    columns: [
      { key: 'instruction_no', value: (r) => `#${r.id}` },
      { key: 'status', status: 'instruction' },
      { key: 'inspection_no', value: (r) => r.inspection_no },
      { key: 'enterprise', value: (r) => r.enterprise_name },
      { key: 'inspector', value: (r) => r.inspector_name },
      { key: 'deadline', date: (r) => r.deadline },
    ],
  },
  certificates: {
    ...certificatePages('certificates'),
    filters: [CERTIFICATE_NO, E_RECORD_NO, INSPECTION_NO, choice('type_code', TYPE_CODES), choice('status', CERTIFICATE_STATUSES), day('issued_from'), day('issued_to'), text('consignee', null, 100)],
    columns: [
      { key: 'certificate_no', value: (r) => r.certificate_no },
      { key: 'type', value: (r) => `${r.type_code} ${r.type_name ?? ''}`.trim() },
      { key: 'status', status: 'certificate' },
      { key: 'issued_at', date: (r) => r.issued_at },
      { key: 'e_record_no', value: (r) => r.e_record_no },
      { key: 'consignee', value: (r) => r.consignee },
    ],
  },
  applications: {
    ...certificatePages('applications'),
    filters: [CERTIFICATE_NO, E_RECORD_NO, INSPECTION_NO, choice('type_code', TYPE_CODES), choice('status', APPLICATION_STATUSES), day('issued_from'), day('issued_to'), text('consignee', null, 100)],
    columns: [
      { key: 'application_no', value: (r) => `#${r.id}` },
      { key: 'type', value: (r) => r.type_code },
      { key: 'status', status: 'certificate_application' },
      { key: 'submitted_at', date: (r) => r.submitted_at },
      { key: 'e_record_no', value: (r) => r.e_record_no },
      { key: 'certificate_no', value: (r) => r.certificate_no },
    ],
  },
}

/** The filter values to send: trimmed, upper-cased numbers, empty ones left out, the kind's fixed ones added. */
export function filterValues(kind, input) {
  const values = { ...(KINDS[kind].fixed ?? {}) }
  for (const filter of KINDS[kind].filters) {
    let value = input?.[filter.name]
    if (typeof value === 'string') value = value.trim()
    if (value && filter.pattern) value = value.toUpperCase()
    if (value) values[filter.name] = value
  }
  return values
}

/** The filters whose value does not have the expected form (names), e.g. a 14-digit inspection number. */
export function invalidFilters(kind, values) {
  return KINDS[kind].filters.filter((f) => f.pattern && values[f.name] && !f.pattern.test(values[f.name])).map((f) => f.name)
}

/** The API path of one page of `kind` with these filters. */
export function pagePath(kind, values, { limit = 50, cursor = null } = {}) {
  const spec = KINDS[kind]
  return spec.list + queryString({ ...values, limit, [spec.cursorParam]: cursor })
}

/** The API path of the CSV or XLSX export of `kind` with these filters (no paging). */
export const filePath = (kind, values, format) => `${KINDS[kind].file}.${format}` + queryString(values)

/** The download's file name, e.g. 综合查询-certificates-2026-12-06.xlsx (today in the user's time zone). */
export function fileName(kind, format, now = new Date()) {
  const pad = (n) => String(n).padStart(2, '0')
  return `chajian-${kind}-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.${format}`
}
