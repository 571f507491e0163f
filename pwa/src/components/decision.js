// The rule the officers' decision dialogs (DecisionDialog.vue and the dialogs that fill it) share
// for a written reason: review reject, certificate return / reject, supervisor cancel. No DOM or
// Vue, unit-tested (pwa/tests/decision.test.js).

export const REASON_MAX = 500

/** A return, rejection or cancellation reason: trimmed, 1–500 characters; { reason } or { error }. */
export function decisionReason(text) {
  const reason = (text ?? '').trim()
  if (!reason) return { error: 'empty' }
  if (reason.length > REASON_MAX) return { error: 'long' }
  return { reason }
}

/** An optional note (an approval's note to the enterprise): trimmed, at most 500 characters; { reason } (null when empty) or { error }. */
export function decisionNote(text) {
  const note = (text ?? '').trim()
  if (note.length > REASON_MAX) return { error: 'long' }
  return { reason: note || null }
}
