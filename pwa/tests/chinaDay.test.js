// Days in China Standard Time: what the server means by a day, whatever the device's time zone.
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { chinaDay, chinaToday } from '../src/components/chinaDay.js'

const SRC = fileURLToPath(new URL('../src', import.meta.url))

function sources(folder) {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name)
    if (statSync(path).isDirectory()) return sources(path)
    return /\.(js|vue)$/.test(name) ? [path] : []
  })
}

describe('China day', () => {
  it('turns at midnight in China, not in UTC', () => {
    expect(chinaDay(new Date('2026-03-01T23:30:00Z'))).toBe('2026-03-02')
    expect(chinaDay(new Date('2026-03-02T15:59:00Z'))).toBe('2026-03-02')
    expect(chinaToday(Date.parse('2026-12-05T16:30:00Z'))).toBe('2026-12-06')
    expect(chinaToday(Date.parse('2026-12-05T15:59:59Z'))).toBe('2026-12-05')
  })

  it('is the only day the interface takes from the clock', () => {
    // A day cut from toISOString() elsewhere is UTC's: yesterday in China until 08:00.
    const cut = /toISOString\(\)\s*\.slice\(0,\s*10\)/
    const offenders = sources(SRC)
      .filter((path) => !path.endsWith('chinaDay.js') && cut.test(readFileSync(path, 'utf8')))
      .map((path) => relative(SRC, path))
    expect(offenders).toEqual([])
  })
})
