// 业务监控 logic without the network: which count a tile shows, where a row of its list opens.

/** Where a row of a tile's list opens: the screen that shows that kind of record to a supervisor. */
export function rowTarget(kind, row) {
  if (kind === 'instruction') return { name: 'supervisor-instruction', params: { id: row.id } }
  if (kind === 'declaration') return { name: 'review-detail', params: { id: row.id } }
  return null
}

/** A district's count on the board: its own work with every subordinate's (the roll-up). */
export function tileCount(tile, district) {
  return district ? (tile.rollup[district] ?? 0) : tile.total
}
