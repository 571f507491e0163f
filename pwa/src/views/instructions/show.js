// How the 指令管理 and 预约查检 desks show values: pure helpers, no DOM.

/** A time as the officer reads it (medium date, short time), or '' for none. */
export const whenText = (iso, locale) => (iso ? new Date(iso).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' }) : '')

/** The first goods line (name and HS code) and, with more lines, their count through `more(name, n)`. */
export function goodsSummary(goods, more) {
  if (!goods?.length) return ''
  const first = `${goods[0].name_zh ?? ''} ${goods[0].hs_code ?? ''}`.trim()
  return goods.length > 1 ? more(first, goods.length) : first
}

/** A slot as "下午 14:00–17:30", from the slots the server lists; the code itself when unknown. */
export function slotText(slots, code, locale) {
  const slot = (slots ?? []).find((s) => s.code === code)
  if (!slot) return code ?? ''
  return `${locale === 'en' ? slot.name_en : slot.name_zh} ${slot.start}–${slot.end}`
}
