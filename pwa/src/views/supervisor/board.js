// The instruction rows of the 业务监控 board (the former 查检监控, folded into it) without DOM or Vue:
// status order, overdue, age and the cancel body. Counts come from the server's tiles, never from
// these rows. Unit-tested (pwa/tests/supervisor.test.js).
import { decisionReason } from '../../components/decision.js'

/** The instruction lifecycle in its order (DOMAIN.md): the board's columns and count tiles. */
export const STATUSES = ['pending', 'assigned', 'accepted', 'in_progress', 'completed', 'cancelled']
export const CLOSED = ['completed', 'cancelled']

/** Open and past its deadline at `now` (ms). */
export function isOverdue(instruction, now = Date.now()) {
  if (!instruction?.deadline || CLOSED.includes(instruction.status)) return false
  const deadline = Date.parse(instruction.deadline)
  return !Number.isNaN(deadline) && deadline < now
}

/** { key, n } for an i18n message from a span in minutes: minutes / hours / days. */
export function spanParts(minutes) {
  if (minutes === null || minutes === undefined || Number.isNaN(minutes)) return null
  const m = Math.max(0, Math.floor(minutes))
  if (m < 60) return { key: 'minutes', n: m }
  if (m < 48 * 60) return { key: 'hours', n: Math.floor(m / 60) }
  return { key: 'days', n: Math.floor(m / 1440) }
}

/** Minutes from `from` (ISO text) to `to` (ms); negative when `from` is later. Null without a time. */
export function minutesUntil(from, to = Date.now()) {
  if (!from) return null
  const at = Date.parse(from)
  return Number.isNaN(at) ? null : (to - at) / 60000
}

/**
 * What the row says about time: `{ kind: 'overdue' | 'due' | 'age', parts }`. Open instructions with
 * a deadline show how long until (or since) it; the rest how long ago they were issued.
 */
export function timing(instruction, now = Date.now()) {
  if (instruction.deadline && !CLOSED.includes(instruction.status)) {
    const since = minutesUntil(instruction.deadline, now)
    if (since !== null) return { kind: since > 0 ? 'overdue' : 'due', parts: spanParts(Math.abs(since)) }
  }
  return { kind: 'age', parts: spanParts(minutesUntil(instruction.created_at, now)) }
}

/** Most urgent first: overdue, then open by deadline (none last), then closed newest first. */
export function boardOrder(instructions, now = Date.now()) {
  const rank = (i) => (isOverdue(i, now) ? 0 : CLOSED.includes(i.status) ? 2 : 1)
  const deadline = (i) => (i.deadline ? Date.parse(i.deadline) : Number.POSITIVE_INFINITY)
  return [...instructions].sort(
    (a, b) => rank(a) - rank(b) || (rank(a) === 1 ? deadline(a) - deadline(b) : 0) || b.id - a.id,
  )
}

/** The cancel request body, or { error: 'reason' } for an empty or too long reason. */
export function cancelBody(reason, version) {
  const checked = decisionReason(reason)
  if (checked.error) return { error: 'reason' }
  return { body: { reason: checked.reason, expected_version: version } }
}

/** The API lets a supervisor cancel until the instruction is completed (workflow.py TRANSITIONS). */
export const canCancel = (instruction) => Boolean(instruction) && !CLOSED.includes(instruction.status)

/** Fetch every page of the district's instructions (newest first, keyset on id), at most `maxPages`. */
export async function loadAllPages(fetchPage, { limit = 200, maxPages = 5 } = {}) {
  const items = []
  let beforeId = null
  for (let page = 0; page < maxPages; page += 1) {
    const batch = await fetchPage({ limit, beforeId })
    items.push(...batch)
    if (batch.length < limit) return { items, complete: true }
    beforeId = batch[batch.length - 1].id
  }
  return { items, complete: false }
}

/** The API lets a supervisor assign or reassign while the instruction is open (workflow.py TRANSITIONS). */
export const canAssign = (instruction) => Boolean(instruction) && !CLOSED.includes(instruction.status)

/**
 * The district's inspectors for the assign dialog: fewest open instructions first, then by name;
 * the current assignee is marked (choosing them again changes nothing).
 */
export function inspectorChoices(inspectors, currentId = null) {
  return [...(inspectors ?? [])]
    .map((inspector) => ({ ...inspector, current: inspector.id === currentId }))
    .sort((a, b) => a.open_count - b.open_count || a.display_name.localeCompare(b.display_name, 'zh-CN') || a.id - b.id)
}

/** The assign request body, or { error: 'inspector' } when nobody or the current assignee is chosen. */
export function assignBody(inspectorId, instruction) {
  if (!inspectorId || inspectorId === instruction?.inspector_id) return { error: 'inspector' }
  return { body: { inspector_id: inspectorId, expected_version: instruction.version } }
}

/**
 * What the detail says about the device lease: null without one, else who holds it on which device
 * until when, and whether that time has passed (by the server when it answered, or by `now` since).
 */
export function leaseState(lease, now = Date.now()) {
  if (!lease) return null
  const until = Date.parse(lease.expires_at)
  const expired = lease.expired === true || (!Number.isNaN(until) && until <= now)
  return { holder: lease.inspector_name ?? null, holderId: lease.inspector_id, device: lease.device_id, until: lease.expires_at, expired }
}
