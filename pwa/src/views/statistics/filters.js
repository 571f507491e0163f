// The filters of the statistics screens: kept in the address (so a view can be shared and reloaded),
// defaulting to the last 30 days in China Standard Time.
import { chinaDay } from '../../components/chinaDay.js'

const KEYS = ['date_from', 'date_to', 'district', 'enterprise_id', 'hs_chapter', 'destination_country', 'certificate_type', 'channel']

/** The filters a route query asks for, with the default period where none is given. */
export function filtersFromQuery(query, now = new Date()) {
  const filters = Object.fromEntries(KEYS.map((key) => [key, typeof query[key] === 'string' ? query[key] : '']))
  if (!filters.date_to) filters.date_to = chinaDay(now)
  if (!filters.date_from) filters.date_from = chinaDay(new Date(now.getTime() - 29 * 24 * 3600 * 1000))
  return filters
}

/** The filters without their empty values (for the address and the API). */
export function compactFilters(filters) {
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== '' && value !== null && value !== undefined))
}
