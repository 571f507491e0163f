import { describe, expect, it, vi } from 'vitest'

vi.mock('../src/app/api.js', () => ({ api: { refresh: async () => false } }))
vi.mock('../src/app/tokens.js', () => ({ tokenStore: { get: async () => ({ access_token: 'tok' }) } }))

const { KINDS, fileName, filePath, filterValues, invalidFilters, pagePath } = await import('../src/components/query/kinds.js')
const { fetchBlob, queryString } = await import('../src/components/desk/download.js')

describe('综合查询 kinds', () => {
  it('sends only the filters that are set, numbers upper-cased, fixed ones added', () => {
    const values = filterValues('e_records', { e_record_no: ' 226n53000000001001 ', inspection_no: '', issued_from: '2026-12-01' })
    expect(values).toEqual({ status: 'e_record_issued', e_record_no: '226N53000000001001', issued_from: '2026-12-01' })
    expect(invalidFilters('e_records', values)).toEqual([])
    expect(invalidFilters('certificates', { certificate_no: '12345' })).toEqual(['certificate_no'])
  })

  it('pages through each list with its own cursor and exports with the same filters, no paging', () => {
    const values = { status: 'issued', consignee: 'Tokyo & Co' }
    expect(pagePath('certificates', values, { limit: 50, cursor: 9 })).toBe('/api/v1/certificate-query/certificates?status=issued&consignee=Tokyo+%26+Co&limit=50&cursor=9')
    expect(pagePath('instructions', { status: 'assigned' }, { cursor: 7 })).toBe('/api/v1/instructions?status=assigned&limit=50&before_id=7')
    expect(filePath('declarations', { status: ['draft', 'accepted'] }, 'xlsx')).toBe('/api/v1/declarations.xlsx?status=draft&status=accepted')
    expect(fileName('certificates', 'csv', new Date(2026, 11, 6))).toBe('chajian-certificates-2026-12-06.csv')
  })

  it('reads a page of each list', () => {
    expect(KINDS.declarations.page({ items: [{ id: 1 }], next_cursor: 'abc' })).toEqual({ items: [{ id: 1 }], next: 'abc' })
    const full = Array.from({ length: 3 }, (_, i) => ({ id: 10 - i }))
    expect(KINDS.instructions.page(full, 3)).toEqual({ items: full, next: 8 })
    expect(KINDS.instructions.page(full.slice(0, 2), 3).next).toBeNull()
  })

  it('leaves out empty values from a query string', () => {
    expect(queryString({ a: '', b: null, c: 0, d: [] })).toBe('?c=0')
    expect(queryString({})).toBe('')
  })
})

describe('fetchBlob', () => {
  it('sends the bearer token and throws the API error on a refusal', async () => {
    const calls = []
    const ok = async (path, init) => {
      calls.push([path, init.headers])
      return { ok: true, status: 200, blob: async () => 'bytes' }
    }
    expect(await fetchBlob('/api/v1/declarations.csv', { fetchImpl: ok, accept: 'text/csv' })).toBe('bytes')
    expect(calls[0][1]).toEqual({ Accept: 'text/csv', Authorization: 'Bearer tok' })
    const refused = async () => ({ ok: false, status: 403, json: async () => ({ code: 403, error: 'auth.key_required', message: '须使用安全密钥登录' }) })
    await expect(fetchBlob('/x', { fetchImpl: refused })).rejects.toMatchObject({ status: 403 })
  })
  it('follows a large export\'s job, reporting its progress, then fetches the written file', async () => {
    const job = (status, progress) => ({ id: 'j1', status, progress, status_url: '/api/v1/exports/j1', file_url: status === 'done' ? '/api/v1/exports/j1/file' : null })
    const answers = {
      '/api/v1/declarations.xlsx': [{ ok: true, status: 202, json: async () => job('queued', 0) }],
      '/api/v1/exports/j1': [{ ok: true, status: 200, json: async () => job('running', 0.5) }, { ok: true, status: 200, json: async () => job('done', 1) }],
      '/api/v1/exports/j1/file': [{ ok: true, status: 200, blob: async () => 'workbook' }],
    }
    const asked = []
    const fetchImpl = async (path) => {
      asked.push(path)
      return answers[path].shift()
    }
    const seen = []
    const blob = await fetchBlob('/api/v1/declarations.xlsx', { fetchImpl, sleep: async () => {}, onProgress: (fraction) => seen.push(fraction) })
    expect(blob).toBe('workbook')
    expect(seen).toEqual([0, 0.5, 1])
    expect(asked).toEqual(['/api/v1/declarations.xlsx', '/api/v1/exports/j1', '/api/v1/exports/j1', '/api/v1/exports/j1/file'])
    const failing = async () => ({ ok: true, status: 202, json: async () => ({ ...job('failed', 0), error: 'x' }) })
    await expect(fetchBlob('/api/v1/declarations.csv', { fetchImpl: failing, sleep: async () => {} })).rejects.toMatchObject({ status: 409 })
  })
})
