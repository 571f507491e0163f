// Exponential backoff with jitter, so a hundred phones coming back online at once do not hit the
// server in lockstep.

export const DEFAULT_BACKOFF = Object.freeze({ baseMs: 1000, maxMs: 5 * 60 * 1000, factor: 2 })

/**
 * Delay before retry number `attempt` (1 = first retry): base·factor^(attempt-1), capped at max,
 * then "equal jitter": half of it fixed, the other half random.
 */
export function backoffDelay(attempt, { baseMs, maxMs, factor } = DEFAULT_BACKOFF, random = Math.random) {
  const exponent = Math.max(0, attempt - 1)
  const capped = Math.min(maxMs, baseMs * factor ** exponent)
  return Math.round(capped / 2 + random() * (capped / 2))
}
