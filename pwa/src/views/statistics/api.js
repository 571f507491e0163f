// The statistics API (see /api/docs, tag "statistics"): JSON pages, and CSV/XLSX files as Blobs.
import { api } from '../../app/api.js'
import { tokenStore } from '../../app/tokens.js'
import { currentLocale } from '../../i18n/index.js'

const BASE = '/api/v1/statistics'

/** The query string of a filter object, leaving out empty values. */
export function queryOf(filters) {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(filters)) {
    if (value !== null && value !== undefined && value !== '') query.set(key, String(value))
  }
  return query.toString()
}

/** { tableName: table } of an answer, for the views. */
export const tablesByName = (answer) => Object.fromEntries((answer?.tables ?? []).map((table) => [table.name, table]))

export const statisticsApi = {
  overview: (filters) => api.get(`${BASE}/overview?${queryOf(filters)}`),
  trend: (filters) => api.get(`${BASE}/trend?${queryOf(filters)}`),
  timeliness: (filters) => api.get(`${BASE}/timeliness?${queryOf(filters)}`),
}

/**
 * Download a page or table as CSV or XLSX (the server writes the filters into the file). The API
 * client reads bodies as text, which would break a workbook: this one fetch reads a Blob. A
 * refused token is refreshed once through the client, then the download is tried again.
 */
export async function downloadExport(filters, table, format) {
  const path = `${BASE}/export.${format}?${queryOf({ ...filters, table })}`
  const attempt = async () => {
    const pair = await tokenStore.get()
    return fetch(path, {
      headers: { Authorization: `Bearer ${pair?.access_token ?? ''}`, 'Accept-Language': currentLocale() },
      credentials: 'same-origin',
    })
  }
  let response = await attempt()
  if (response.status === 401 && (await api.refresh())) response = await attempt()
  if (!response.ok) throw new Error(`HTTP ${response.status}`)
  const blob = await response.blob()
  const link = document.createElement('a')
  link.href = URL.createObjectURL(blob)
  link.download = `statistics-${table}.${format}`
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(link.href), 1000)
}
