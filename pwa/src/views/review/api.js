// The review API paths the desk calls (see /api/docs, tag "review" and "declarations").
import { api } from '../../app/api.js'
import { queueQuery } from './desk.js'

const REVIEW = '/api/v1/review'
const DECLARATIONS = '/api/v1/declarations'

export const reviewApi = {
  queue: (filters, page) => {
    const { query, invalid } = queueQuery(filters, page)
    return { invalid, request: () => api.get(`${REVIEW}/queue?${query}`) }
  },
  declaration: (id) => api.get(`${DECLARATIONS}/${id}`),
  receipts: (id) => api.get(`${DECLARATIONS}/${id}/receipts`),
  validate: (id) => api.post(`${DECLARATIONS}/${id}/validate`),
  rulePreview: (id) => api.get(`${REVIEW}/declarations/${id}/rule-preview`),
  ruleHits: (id) => api.get(`${REVIEW}/declarations/${id}/rule-hits`),
  open: (id, body) => api.post(`${REVIEW}/declarations/${id}/open`, body),
  approve: (id, body) => api.post(`${REVIEW}/declarations/${id}/approve`, body),
  return: (id, body) => api.post(`${REVIEW}/declarations/${id}/return`, body),
  reject: (id, body) => api.post(`${REVIEW}/declarations/${id}/reject`, body),
}
