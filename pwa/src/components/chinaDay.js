// The day the server means: China Standard Time (UTC+8, no daylight saving), whatever the device's zone.
// A date taken with `new Date().toISOString()` is UTC's: from 00:00 to 08:00 in China it is yesterday.

/** 'YYYY-MM-DD' of the instant `date` in China. */
export function chinaDay(date) {
  return new Date(date.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10)
}

/** Today in China as 'YYYY-MM-DD' (`now`: milliseconds since the epoch). */
export const chinaToday = (now = Date.now()) => chinaDay(new Date(now))
