// The certificate API paths the officer's desk calls (see /api/docs, tags "certificate_applications"
// and "declarations"). Every certificate call needs a key login.
import { api } from '../../app/api.js'

const A = '/api/v1/certificate-applications'

export const certdeskApi = {
  /** Referred applications of the officer's district, oldest first (keyset pages by id). */
  queue: ({ cursor = null, limit = 50 } = {}) => api.get(`${A}/queue?${new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor: String(cursor) } : {}) })}`),
  application: (id) => api.get(`${A}/${id}`),
  /** The declaration an e-record rests on, with the e-record's status and validity. */
  declarationOf: (eRecordNo) => api.get(`/api/v1/declarations/lookup?${new URLSearchParams({ e_record_no: eRecordNo })}`),
  approve: (id, version) => api.post(`${A}/${id}/approve`, { version }),
  return: (id, version, reason) => api.post(`${A}/${id}/return`, { version, reason }),
  reject: (id, version, reason) => api.post(`${A}/${id}/reject`, { version, reason }),
}
