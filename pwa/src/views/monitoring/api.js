// The API paths of 业务监控 (see /api/docs, tag "monitoring"): counts per tile, a tile's rows, the field.
import { api } from '../../app/api.js'

const BASE = '/api/v1/monitoring'

function query(params) {
  const entries = Object.entries(params).filter(([, v]) => v !== null && v !== undefined && v !== '')
  return entries.length ? `?${new URLSearchParams(entries.map(([k, v]) => [k, String(v)]))}` : ''
}

export const monitoringApi = {
  board: (district) => api.get(`${BASE}/board${query({ district })}`),
  items: (tile, { district, beforeId } = {}) =>
    api.get(`${BASE}/items${query({ tile, district, limit: 50, before_id: beforeId })}`),
  field: (district) => api.get(`${BASE}/field${query({ district })}`),
  // The server writes the file (core.exports neutralises formulas); components/desk/download.js fetches
  // it as bytes (the API client reads non-JSON as text, which would spoil an XLSX).
  exportPath: (format, tile, district) => `${BASE}/items.${format}${query({ tile, district })}`,
}
