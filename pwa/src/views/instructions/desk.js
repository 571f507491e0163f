// The 指令管理 and 预约查检 desks: the API paths they call (see /api/docs, tags "instructions",
// "appointments", "inspections") and their rules without DOM: what each request sends and what it
// refuses before asking the server (which checks the same again). One module, so the instruction's
// page and the desks share one chunk and the shell's route map names one file more, not several.
import { api } from '../../app/api.js'
import { tokenStore } from '../../app/tokens.js'
import { toApiError } from '../../api/client.js'
import { decisionReason } from '../../components/decision.js'
import { cancelBody } from '../supervisor/board.js'

const I = '/api/v1/instructions'
const A = '/api/v1/appointments'
const query = (values) => new URLSearchParams(Object.entries(values).filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => [k, String(v)]))

export const instructionsApi = {
  /** The district's applications without an open instruction, each with the items its goods call for. */
  candidates: () => api.get(`${I}/candidates?limit=200`),
  /** The district's instructions, newest first (optionally of one status). */
  list: ({ status = '', limit = 200 } = {}) => api.get(`${I}?${query({ status, limit })}`),
  /** The district's active inspectors with their open instructions (workload). */
  inspectors: () => api.get(`${I}/inspectors`),
  issue: (body) => api.post(I, body),
  reinspect: (id, note) => api.post(`/api/v1/inspections/${id}/reinspection`, note ? { note } : {}),
}

export const bookingsApi = {
  list: ({ status = '', limit = 200 } = {}) => api.get(`${A}?${query({ status, limit })}`),
  slots: () => api.get(`${A}/slots`),
  confirm: (id, body) => api.post(`${A}/${id}/confirm`, body),
  propose: (id, body) => api.post(`${A}/${id}/propose`, body),
  decline: (id, body) => api.post(`${A}/${id}/decline`, body),
}

/**
 * Save the inspection's evidence bundle (a zip: manifest with SHA-256 of every record and photo, the
 * signature, the photos) under its server-given name. Fetched with the session's token, so a link
 * cannot do it; one retry after a token refresh.
 */
export async function downloadEvidenceBundle(instructionId, { fetchImpl = (...args) => globalThis.fetch(...args), doc = globalThis.document } = {}) {
  const path = `/api/v1/inspections/${instructionId}/evidence-bundle`
  const attempt = async () => {
    const pair = await tokenStore.get()
    return fetchImpl(path, { headers: pair?.access_token ? { Authorization: `Bearer ${pair.access_token}` } : {}, credentials: 'same-origin' })
  }
  let response = await attempt()
  if (response.status === 401 && (await api.refresh())) response = await attempt()
  if (!response.ok) throw toApiError(response.status, await response.json().catch(() => null))
  const blob = await response.blob()
  const name = /filename="?([^";]+)"?/.exec(response.headers.get('Content-Disposition') ?? '')?.[1] ?? `evidence-${instructionId}.zip`
  const url = URL.createObjectURL(blob)
  const link = Object.assign(doc.createElement('a'), { href: url, download: name })
  doc.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
  return { name, size: blob.size }
}

/** What an application becomes when its instruction is cancelled (the API's `then`). */
export const CANCEL_OUTCOMES = ['accepted', 'released']

/** Instruction statuses the desk filters by (workflow.py Status). */
export const INSTRUCTION_STATUSES = ['pending', 'assigned', 'accepted', 'in_progress', 'completed', 'cancelled']

/** Appointment statuses; `requested` is what waits for customs. */
export const BOOKING_STATUSES = ['requested', 'proposed', 'confirmed', 'declined', 'cancelled']

/** The cancel request: a reason and the officer's choice of outcome, or { error: 'reason' | 'then' }. */
export function cancelRequest(reason, then, version) {
  const checked = cancelBody(reason, version)
  if (checked.error) return checked
  if (!CANCEL_OUTCOMES.includes(then)) return { error: 'then' }
  return { body: { ...checked.body, then } }
}

/**
 * The issue request for a candidate application: at least one item, an inspector if chosen, the
 * note and contact trimmed. No deadline: the server gives one from the time limits.
 */
export function issueRequest(candidate, form) {
  const items = (form.items ?? []).filter(Boolean)
  if (!candidate) return { error: 'declaration' }
  if (!items.length) return { error: 'items' }
  const body = { declaration_id: candidate.declaration_id, item_codes: items, priority: Number(form.priority) || 3 }
  if (form.inspectorId) body.inspector_id = Number(form.inspectorId)
  const note = (form.note ?? '').trim()
  if (note) body.note = note.slice(0, 500)
  const contact = (form.siteContact ?? '').trim()
  if (contact) body.site_contact = contact.slice(0, 120)
  return { body }
}

/** The inspectors, fewest open instructions first, then by name. */
export const byWorkload = (inspectors) =>
  [...(inspectors ?? [])].sort((a, b) => a.open_count - b.open_count || a.display_name.localeCompare(b.display_name, 'zh-CN') || a.id - b.id)

/** Confirm a booking with the inspector who goes (at the requested time). */
export function confirmRequest(booking, inspectorId) {
  if (!inspectorId) return { error: 'inspector' }
  return { body: { expected_version: booking.version, inspector_id: Number(inspectorId) } }
}

/** Propose another date and slot (not before `today`, a China date YYYY-MM-DD) with who would go. */
export function proposeRequest(booking, form, today) {
  if (!form.date || form.date < today) return { error: 'date' }
  if (!form.slot) return { error: 'slot' }
  if (!form.inspectorId) return { error: 'inspector' }
  const body = { expected_version: booking.version, date: form.date, slot: form.slot, inspector_id: Number(form.inspectorId) }
  const note = (form.note ?? '').trim()
  if (note) body.note = note.slice(0, 500)
  return { body }
}

/** Decline a booking with a reason (1–500 characters). */
export function declineRequest(booking, reason) {
  const checked = decisionReason(reason)
  if (checked.error) return { error: 'reason' }
  return { body: { expected_version: booking.version, reason: checked.reason } }
}

/**
 * A supervisor may order a re-inspection once the inspection ended with a treatment (熏蒸/消毒) and
 * no follow-up exists yet (the server also checks that the application is failed).
 */
export const canReinspect = (instruction, inspection) =>
  instruction?.status === 'completed' && inspection?.disposition?.kind === 'treatment' && !(instruction.follow_up_ids ?? []).length
