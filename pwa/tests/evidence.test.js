// Offline check of an inspection's evidence bundle against a bundle the backend made
// (tests/fixtures/evidence-bundle.zip, its key in evidence-keys.json; the backend's own test
// tests/inspections/test_custody_chain.py checks the same file with the Python checker).
import { readFileSync } from 'node:fs'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import { describe, expect, it } from 'vitest'
import { checkEvidenceBundle, manifestStatement } from '../src/verify/evidence.js'

const BUNDLE = new Uint8Array(readFileSync(new URL('./fixtures/evidence-bundle.zip', import.meta.url)))
const KEYS = JSON.parse(readFileSync(new URL('./fixtures/evidence-keys.json', import.meta.url), 'utf8')).keys

/** The fixture's files, changed by `edit(files)` and zipped again. */
function tampered(edit) {
  const files = unzipSync(BUNDLE)
  edit(files)
  return zipSync(files)
}

const lines = (files) => strFromU8(files['custody.jsonl']).split('\n')
const codes = (report) => report.problems.map(({ code, records }) => [code, records])

describe('evidence bundle', () => {
  it('checks a bundle as the server sealed it: OK, five records, the district key', async () => {
    const report = await checkEvidenceBundle(BUNDLE, KEYS)
    expect(report.problems).toEqual([])
    expect(report.ok).toBe(true)
    expect(report.records).toBe(5)
    expect(report.keyId).toBe(KEYS[0].key_id)
    expect(report.manifest.records.map((r) => r.kind)).toEqual(['start', 'item_result', 'item_result', 'item_result', 'conclusion'])
  })

  it('builds the statement the server signs', () => {
    expect(strFromU8(manifestStatement({ keyId: '5300-261206-abcdef', manifestSha256: 'x' }))).toBe(
      '{"alg":"Ed25519","key_id":"5300-261206-abcdef","manifest_sha256":"x","purpose":"chajian.evidence-manifest","v":1}',
    )
  })

  it('names a record whose content was edited in the custody file (the seal still holds)', async () => {
    const report = await checkEvidenceBundle(
      tampered((files) => {
        const all = lines(files)
        all[2] = all[2].replace('"result":"conforms"', '"result":"does_not_conform"')
        files['custody.jsonl'] = strToU8(all.join('\n'))
      }),
      KEYS,
    )
    expect(codes(report)).toEqual([['record_edited', [3]]])
    expect(report.ok).toBe(false)
  })

  it('names a reordered pair and the broken seal when the manifest was rewritten', async () => {
    const report = await checkEvidenceBundle(
      tampered((files) => {
        const manifest = JSON.parse(strFromU8(files['manifest.json']))
        ;[manifest.records[1], manifest.records[2]] = [manifest.records[2], manifest.records[1]]
        files['manifest.json'] = strToU8(JSON.stringify(manifest, null, 1))
        const all = lines(files)
        ;[all[1], all[2]] = [all[2], all[1]]
        files['custody.jsonl'] = strToU8(all.join('\n'))
      }),
      KEYS,
    )
    expect(codes(report)).toEqual([
      ['manifest_signature_invalid', []],
      ['records_reordered', [2, 3]],
    ])
  })

  it('names a removed record', async () => {
    const report = await checkEvidenceBundle(
      tampered((files) => {
        const manifest = JSON.parse(strFromU8(files['manifest.json']))
        manifest.records.splice(3, 1)
        files['manifest.json'] = strToU8(JSON.stringify(manifest, null, 1))
        const all = lines(files)
        all.splice(3, 1)
        files['custody.jsonl'] = strToU8(all.join('\n'))
      }),
      KEYS,
    )
    expect(codes(report)).toEqual([
      ['manifest_signature_invalid', []],
      ['record_removed', [4]],
    ])
  })

  it('says when the key is not known here, and when the file is no bundle', async () => {
    expect(codes(await checkEvidenceBundle(BUNDLE, []))).toEqual([['manifest_key_unknown', []]])
    expect(codes(await checkEvidenceBundle(strToU8('not a zip'), KEYS))).toEqual([['not_a_bundle', []]])
  })
})
