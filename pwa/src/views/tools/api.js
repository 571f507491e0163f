// The API paths of the tools: the code look-ups and number checker of the catalogues (tag "catalogs")
// and the inspection evidence bundle (tag "inspections").
import { api } from '../../app/api.js'

// e_record_validity: by HS prefix, the e-record's validity in days (60 general, 21 plants, 14 fresh or live).
export const LOOKUP_TABLES = ['hs', 'ciq', 'countries', 'ports', 'units', 'currencies', 'districts', 'e_record_validity']
/** Look-ups answer from 2 characters on; shorter queries are an empty list without a request. */
export const MIN_QUERY = 2

export const toolsApi = {
  lookup: (table, q, limit = 20) => (q.trim().length < MIN_QUERY ? Promise.resolve({ items: [] }) : api.get(`/api/v1/lookups/${table}?${new URLSearchParams({ q: q.trim(), limit: String(limit) })}`)),
  checkNumber: (number) => api.get(`/api/v1/tools/numbers/${encodeURIComponent(number.trim())}`),
  evidencePath: (instructionId) => `/api/v1/inspections/${Number(instructionId)}/evidence-bundle`,
}
