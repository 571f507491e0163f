// The API paths the supervisor's board calls (see /api/docs, tags "instructions", "inspections").
// Instructions carry their inspection number, enterprise, inspector's name and device lease.
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
  inspectors: () => api.get(`${INSTRUCTIONS}/inspectors`),
  assign: (id, body) => api.post(`${INSTRUCTIONS}/${id}/assign`, body),
  cancel: (id, body) => api.post(`${INSTRUCTIONS}/${id}/cancel`, body),
}
