// The certificate API paths the officer's desk calls (see /api/docs, tags "certificate_applications",
// "certificate_amendments", "certificate_printing" and "declarations"). Every certificate call needs
// a key login.
import { api } from '../../app/api.js'

const A = '/api/v1/certificate-applications'
const query = (values) => new URLSearchParams(Object.entries(values).filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [k, String(v)]))

export const certdeskApi = {
  /** Referred applications of the officer's district, oldest first (keyset pages by id), each with its
   * applicant; optionally of one type (`type`) or failing one rule (`rule`), filtered by the server. */
  queue: ({ cursor = null, limit = 50, type = '', rule = '' } = {}) => api.get(`${A}/queue?${query({ limit, cursor, type_code: type, failed_rule: rule })}`),
  application: (id) => api.get(`${A}/${id}`),
  /** The declaration an e-record rests on, with the e-record's status and validity. */
  declarationOf: (eRecordNo) => api.get(`/api/v1/declarations/lookup?${new URLSearchParams({ e_record_no: eRecordNo })}`),
  approve: (id, version) => api.post(`${A}/${id}/approve`, { version }),
  return: (id, version, reason) => api.post(`${A}/${id}/return`, { version, reason }),
  reject: (id, version, reason) => api.post(`${A}/${id}/reject`, { version, reason }),
}

/** The requests enterprises send to the district's officers (改证/重发/撤证, reprints, blank paper). */
export const requestsApi = {
  amendments: (status = 'requested') => api.get(`/api/v1/certificate-amendments?${query({ status, limit: 200 })}`),
  originalReceived: (id) => api.post(`/api/v1/certificate-amendments/${id}/original-received`, {}),
  approveAmendment: (id, note = null) => api.post(`/api/v1/certificate-amendments/${id}/approve`, note ? { note } : {}),
  rejectAmendment: (id, note) => api.post(`/api/v1/certificate-amendments/${id}/reject`, { note }),
  reprints: (status = 'requested') => api.get(`/api/v1/reprint-requests?${query({ status, limit: 200 })}`),
  approveReprint: (id, note = null) => api.post(`/api/v1/reprint-requests/${id}/approve`, note ? { note } : {}),
  rejectReprint: (id, note) => api.post(`/api/v1/reprint-requests/${id}/reject`, { note }),
  stock: (status = 'requested') => api.get(`/api/v1/blank-stock?${query({ status, limit: 200 })}`),
  allocateStock: (id) => api.post(`/api/v1/blank-stock/${id}/allocate`, {}),
  refuseStock: (id, reason) => api.post(`/api/v1/blank-stock/${id}/refuse`, { reason }),
}

/** 现场缮制: counter-delivery certificates to print, the district's counter paper and its balance. */
export const counterApi = {
  worklist: (printed = false) => api.get(`/api/v1/blank-stock/counter/worklist?${query({ printed, limit: 200 })}`),
  sheets: (type, status = 'available') => api.get(`/api/v1/blank-stock/counter/sheets?${query({ type_code: type, status, limit: 200 })}`),
  reconciliation: (type) => api.get(`/api/v1/blank-stock/counter/reconciliation?${query({ type_code: type })}`),
  allocate: (type, quantity) => api.post('/api/v1/blank-stock/counter', { type_code: type, quantity }),
  spoil: (type, serial, reason) => api.post('/api/v1/blank-sheets/spoil', { type_code: type, serial, reason }),
}
