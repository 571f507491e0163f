// Blank certificate paper (空白证书申请), self-printing originals (出境证书自助打印), reprint requests and
// amend / replace / withdraw requests (改证 / 重发 / 撤证) of the enterprise — key login only.
import { api } from '../../app/api.js'
import { fetchPdfAt, openPdfFrom } from './certificates.js'

const certificatePath = (no) => `/api/v1/certificates/${encodeURIComponent(no)}`

const search = (params) => {
  const text = new URLSearchParams(Object.entries(params ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== '')).toString()
  return text ? `?${text}` : ''
}

export const paper = {
  list: (params) => api.get(`/api/v1/blank-stock${search({ limit: 100, ...params })}`),
  request: (typeCode, quantity) => api.post('/api/v1/blank-stock', { type_code: typeCode, quantity }),
  receive: (id) => api.post(`/api/v1/blank-stock/${id}/receive`, {}),
  spoil: (typeCode, serial, reason) => api.post('/api/v1/blank-sheets/spoil', { type_code: typeCode, serial, reason }),
  reconciliation: (typeCode) => api.get(`/api/v1/blank-stock/reconciliation${search({ type_code: typeCode })}`),
}

export const reprints = {
  list: (params) => api.get(`/api/v1/reprint-requests${search({ limit: 200, ...params })}`),
  request: (no, reason) => api.post(`${certificatePath(no)}/reprint-requests`, { reason }),
}

export const amendments = {
  list: (params) => api.get(`/api/v1/certificate-amendments${search({ limit: 200, ...params })}`),
  request: (no, body) => api.post(`${certificatePath(no)}/amendments`, body),
}

/**
 * Print the certificate's original on blank serial `serial` (consumed once on the server) and open
 * the PDF to send to the printer. Resolves to { variant, serial } from the answer's headers.
 */
export async function printOriginal(no, serial, { reprintRequestId, win, ...options } = {}) {
  const outcome = { variant: null, serial }
  const body = reprintRequestId ? { serial, reprint_request_id: reprintRequestId } : { serial }
  const onResponse = (response) => {
    outcome.variant = response.headers.get('X-Certificate-Variant')
  }
  await openPdfFrom(() => fetchPdfAt(`${certificatePath(no)}/print`, { ...options, body, onResponse }), { win })
  return outcome
}

/** The received ranges of a type, e.g. "100001–100010", for the serial field's hint. */
export function receivedRanges(stock, typeCode) {
  return stock
    .filter((row) => row.type_code === typeCode && row.status === 'received' && row.serial_first)
    .sort((a, b) => a.serial_first - b.serial_first)
    .map((row) => (row.serial_first === row.serial_last ? `${row.serial_first}` : `${row.serial_first}–${row.serial_last}`))
}

/** The certificate types the enterprise holds (or awaits) paper of, in code order. */
export const stockTypes = (stock) => [...new Set(stock.filter((row) => ['allocated', 'received'].includes(row.status)).map((row) => row.type_code))].sort()

/** A certificate's requests (reprint requests carry certificate_id, amendments certificate_no). */
export const ofCertificate = (rows, certificate) =>
  rows.filter((row) => (row.certificate_no ? row.certificate_no === certificate.certificate_no : row.certificate_id === certificate.id))

/** The approved reprint not used yet, which the next original print needs. */
export const approvedReprint = (requests) => requests.find((row) => row.status === 'approved') ?? null
