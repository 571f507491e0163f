// The API paths the supervisor's board calls (see /api/docs, tags "instructions", "inspections",
// "declarations").
import { api } from '../../app/api.js'

const INSTRUCTIONS = '/api/v1/instructions'

export const supervisorApi = {
  instructions: ({ limit = 200, beforeId = null } = {}) => {
    const query = new URLSearchParams({ limit: String(limit) })
    if (beforeId) query.set('before_id', String(beforeId))
    return api.get(`${INSTRUCTIONS}?${query}`)
  },
  instruction: (id) => api.get(`${INSTRUCTIONS}/${id}`),
  inspection: (id) => api.get(`/api/v1/inspections/${id}`),
  declaration: (id) => api.get(`/api/v1/declarations/${id}`),
  cancel: (id, body) => api.post(`${INSTRUCTIONS}/${id}/cancel`, body),
}

// A declaration's number and applicant never change once an instruction exists: fetched once per page load.
const declarations = new Map() // id -> Promise<{ inspection_no, applicant_name, applicant_code }>

/** The declaration brief of an instruction (cached), or null when it could not be read. */
export function declarationBrief(id) {
  if (!declarations.has(id)) {
    declarations.set(
      id,
      supervisorApi.declaration(id).then(
        (d) => ({ inspection_no: d.inspection_no, applicant_name: d.applicant_name, applicant_code: d.applicant_code }),
        (error) => {
          declarations.delete(id) // try again on the next refresh
          throw error
        },
      ),
    )
  }
  return declarations.get(id)
}
