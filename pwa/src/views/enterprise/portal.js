// The enterprise portal's calls to the server and its live receipts, shared by its screens.
import { onUnmounted, ref } from 'vue'
import { api } from '../../app/api.js'
import { connected, onMessage } from '../../app/realtime.js'

const D = '/api/v1/declarations'
const query = (params) => {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) if (one !== undefined && one !== null && one !== '') search.append(key, one)
  }
  const text = search.toString()
  return text ? `?${text}` : ''
}

export const declarations = {
  list: (params) => api.get(`${D}${query(params)}`),
  get: (id) => api.get(`${D}/${id}`),
  receipts: (id) => api.get(`${D}/${id}/receipts`),
  create: (body) => api.post(D, body),
  update: (id, body, version) => api.put(`${D}/${id}`, { ...body, version }),
  validateBody: (body) => api.post(`${D}/validate`, body),
  validate: (id) => api.post(`${D}/${id}/validate`),
  submit: (id, version) => api.post(`${D}/${id}/submit`, { version }),
  copy: (id) => api.post(`${D}/${id}/copy`),
  withdraw: (id, version, reason) => api.post(`${D}/${id}/withdraw`, reason ? { version, reason } : { version }),
  lookup: (params) => api.get(`${D}/lookup${query(params)}`),
  attachments: (id) => api.get(`${D}/${id}/attachments`),
  upload: (id, kind, file) => {
    const form = new FormData()
    form.append('kind', kind)
    form.append('file', file)
    return api.post(`${D}/${id}/attachments`, form)
  },
  removeAttachment: (id, attachmentId) => api.delete(`${D}/${id}/attachments/${attachmentId}`),
}

export const appointments = {
  list: (params) => api.get(`/api/v1/appointments${query(params)}`),
  slots: () => api.get('/api/v1/appointments/slots'),
  book: (body) => api.post('/api/v1/appointments', body),
  cancel: (id, expectedVersion, reason) => api.post(`/api/v1/appointments/${id}/cancel`, { expected_version: expectedVersion, reason }),
  acceptProposal: (id, expectedVersion) => api.post(`/api/v1/appointments/${id}/accept-proposal`, { expected_version: expectedVersion }),
  declineProposal: (id, expectedVersion) => api.post(`/api/v1/appointments/${id}/decline-proposal`, { expected_version: expectedVersion }),
}

export const eRecord = (no) => api.get(`/api/v1/e-records/${encodeURIComponent(no)}`)

/** A server receipt as <ReceiptList> shows it: code, text in the UI language, time, who. */
export const receiptRow = (receipt, locale) => ({
  code: receipt.code,
  text: locale === 'en' ? receipt.text_en || receipt.text_zh : receipt.text_zh || receipt.text_en,
  time: receipt.created_at,
  who: receipt.actor_label,
})

/** The status label the server gives, in the UI language. */
export const statusLabel = (declaration, locale) => (locale === 'en' ? declaration.status_label_en : declaration.status_label_zh) || declaration.status

/**
 * Call `handler(data)` for every live `event` while the calling component is mounted. Returns a ref
 * that turns true once the live connection is up (the screen shows it; tests wait for it).
 */
export function useLive(event, handler) {
  const stop = onMessage(event, handler)
  const live = ref(false)
  let mounted = true
  connected().then(() => {
    if (mounted) live.value = true
  })
  onUnmounted(() => {
    mounted = false
    stop()
  })
  return live
}
