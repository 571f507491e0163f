// The API paths the administrator's area (系统管理) calls: see /api/docs, tags "admin", "review"
// (risk rules), "certificates" (types, signing keys), "audit" and "appointments". Reads need a login,
// every change a key login (the area itself asks for one).
import { api } from '../../app/api.js'
import { saveFileAt } from '../enterprise/certificates.js'

const A = '/api/v1/admin'
export const query = (values) =>
  new URLSearchParams(Object.entries(values).filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [k, String(v)]))

export const adminApi = {
  districts: () => api.get(`${A}/districts`),
  users: (filters = {}) => api.get(`${A}/users?${query({ limit: 200, ...filters })}`),
  createUser: (body) => api.post(`${A}/users`, body),
  deactivate: (id) => api.post(`${A}/users/${id}/deactivate`, {}),
  reactivate: (id) => api.post(`${A}/users/${id}/reactivate`, {}),
  setPassword: (id, password) => api.put(`${A}/users/${id}/password`, { password }),
  enrolmentCode: (id) => api.post(`${A}/users/${id}/enrolment-code`, {}),
  userKeys: (id) => api.get(`${A}/users/${id}/security-keys`),
  revokeUserKey: (id, keyId) => api.delete(`${A}/users/${id}/security-keys/${keyId}`),
  enterprises: (filters = {}) => api.get(`${A}/enterprises?${query({ limit: 200, ...filters })}`),
  createEnterprise: (body) => api.post(`${A}/enterprises`, body),
  qualifications: (id) => api.get(`${A}/enterprises/${id}/qualifications`),
  addQualification: (id, body) => api.post(`${A}/enterprises/${id}/qualifications`, body),
  expiring: (days = 60) => api.get(`${A}/qualifications/expiring?${query({ days })}`),
  /** The users' or enterprises' list as a file (`kind` users | enterprises, `format` csv | xlsx). */
  exportList: (kind, format, filters = {}) => saveFileAt(`${A}/${kind}.${format}?${query(filters)}`, `${kind}.${format}`),
  clientKeys: () => api.get(`${A}/client-keys?limit=200`),
  registerClientKey: (body) => api.post(`${A}/client-keys`, body),
  revokeClientKey: (id) => api.post(`${A}/client-keys/${id}/revoke`, {}),
}

const R = '/api/v1/review/risk-rules'
export const rulesApi = {
  list: () => api.get(R),
  create: (body) => api.post(R, body),
  update: (id, body) => api.patch(`${R}/${id}`, body),
  deactivate: (id, version) => api.post(`${R}/${id}/deactivate`, { expected_version: version }),
  preview: (body) => api.post(`${R}/preview`, body),
}

export const certificatesApi = {
  types: () => api.get('/api/v1/certificates/types'),
  keys: (district) => api.get(`/api/v1/certificates/keys?${query({ district_code: district })}`),
  rotate: (district) => api.post('/api/v1/certificates/keys/rotate', { district_code: district }),
}

export const slotsApi = { list: () => api.get('/api/v1/appointments/slots') }

export const auditApi = {
  search: (filters) => api.get(`/api/v1/audit-events?${query(filters)}`),
  exportPath: (format, filters) => `/api/v1/audit-events.${format}?${query(filters)}`,
}

const I = '/api/v1/interchange'
export const interchangeApi = {
  list: (filters) => api.get(`${I}/outbox?${query({ limit: 50, ...filters })}`),
  retry: (id) => api.post(`${I}/outbox/${id}/retry`, {}),
  exportPath: (format, filters) => `${I}/outbox.${format}?${query(filters)}`,
}

/** Fetch a file of the API with the session's token and hand it to the browser as a download. */
export const download = saveFileAt

const C = '/api/v1/catalogs'
export const catalogsApi = {
  list: () => api.get(C),
  layout: (table) => api.get(`${C}/${table}/layout`),
  versions: (table) => api.get(`${C}/${table}/versions`),
  /** Upload a whole table (CSV or XLSX): a preview {id, added, changed, retired, counts}, or a 422
   * whose errors.rows names every bad row ({row, column, reason, reason_zh}); nothing is stored. */
  preview: (table, file, effectiveDate) => {
    const form = new FormData()
    form.append('file', file)
    form.append('effective_date', effectiveDate)
    return api.post(`${C}/${table}/imports`, form)
  },
  apply: (importId) => api.post(`${C}/imports/${importId}/apply`, {}),
}

const D = '/api/v1/deadlines'
export const deadlinesApi = {
  limits: () => api.get(`${D}/time-limits`),
  setLimit: (body) => api.put(`${D}/time-limits`, body),
  removeLimit: (stage, district) => api.delete(`${D}/time-limits?${query({ stage, district_code: district })}`),
  calendar: (year) => api.get(`${D}/calendar?${query({ year })}`),
  setDay: (body) => api.put(`${D}/calendar`, body),
  removeDay: (day) => api.delete(`${D}/calendar?${query({ day })}`),
}
