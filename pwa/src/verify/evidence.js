// Checking an inspection's evidence bundle in the browser, offline, like a certificate's seal: the
// same steps as backend/inspections/evidence_check.py —
//   manifest.json is sealed: Ed25519 (WebCrypto) over the canonical statement naming its SHA-256,
//     against the customs public keys cached on this device;
//   custody.jsonl holds each custody record's exact hashed bytes: each line hashes to the manifest's
//     record_sha256 and names the previous record's hash, so an edited, removed or reordered record
//     is named by its number;
//   every file the manifest lists hashes as listed.
// The zip is read with fflate, loaded only when a bundle is checked.
import { decodeBase64url, encodeBase64url } from './base64url.js'

export const MANIFEST_FILE = 'manifest.json'
export const SEAL_FILE = 'manifest.seal.json'
export const CUSTODY_FILE = 'custody.jsonl'
const GENESIS = ''
const SEAL_PURPOSE = 'chajian.evidence-manifest'

/** The bytes the district key signed: canonical JSON, as evidence_check.manifest_statement() writes it. */
export function manifestStatement({ keyId, manifestSha256 }) {
  const json =
    `{"alg":"Ed25519","key_id":${JSON.stringify(keyId)},"manifest_sha256":${JSON.stringify(manifestSha256)},` +
    `"purpose":${JSON.stringify(SEAL_PURPOSE)},"v":1}`
  return new TextEncoder().encode(json)
}

async function sha256(bytes, subtle) {
  return new Uint8Array(await subtle.digest('SHA-256', bytes))
}

function hex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
}

/** { name: Uint8Array } of a zip's files; throws when `bytes` is not a zip. */
export async function readZip(bytes) {
  const { unzipSync } = await import('fflate')
  return unzipSync(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes))
}

async function checkSeal(files, manifestBytes, keys, subtle, report) {
  let seal
  try {
    seal = JSON.parse(new TextDecoder().decode(files[SEAL_FILE]))
    if (typeof seal.key_id !== 'string' || typeof seal.sig !== 'string') throw new TypeError('seal')
  } catch {
    return [{ code: 'manifest_unsealed', records: [] }]
  }
  report.keyId = seal.key_id
  const key = (keys ?? []).find((entry) => entry.key_id === seal.key_id)
  if (!key) return [{ code: 'manifest_key_unknown', records: [], subject: seal.key_id }]
  report.key = key
  const digest = encodeBase64url(await sha256(manifestBytes, subtle))
  try {
    const publicKey = await subtle.importKey('raw', decodeBase64url(key.public_key), { name: 'Ed25519' }, false, ['verify'])
    const statement = manifestStatement({ keyId: seal.key_id, manifestSha256: digest })
    const ok = seal.alg === 'Ed25519' && (await subtle.verify({ name: 'Ed25519' }, publicKey, decodeBase64url(seal.sig), statement))
    return ok ? [] : [{ code: 'manifest_signature_invalid', records: [] }]
  } catch (error) {
    if (error?.name === 'NotSupportedError') throw error // the browser lacks Ed25519: say so, not "invalid"
    return [{ code: 'manifest_signature_invalid', records: [] }]
  }
}

/** Problems of the custody chain: `records` as the manifest lists them, `lines` their hashed bytes. */
export async function checkChain(records, lines, subtle = globalThis.crypto?.subtle) {
  const entries = []
  for (const [index, record] of records.entries()) {
    const line = lines[index]
    let intact = false
    try {
      const linked = line !== undefined && JSON.parse(new TextDecoder().decode(line)).previous_sha256 === record.previous_sha256
      intact = linked && hex(await sha256(line, subtle)) === record.record_sha256
    } catch {
      intact = false
    }
    entries.push({ number: Number(record.seq) || index + 1, sha: record.record_sha256 ?? '', previous: record.previous_sha256 ?? '', intact })
  }
  const edited = new Set(entries.filter((entry) => !entry.intact).map((entry) => entry.number))
  const removed = []
  const listed = new Set(entries.map((entry) => entry.sha))
  const following = new Map()
  for (const entry of entries) if (!following.has(entry.previous)) following.set(entry.previous, entry)
  const order = []
  const heads = entries.filter((entry) => entry.previous === GENESIS || !listed.has(entry.previous))
  for (const head of heads) {
    const before = order.at(-1)
    if (head.previous !== GENESIS || before) {
      const missing = []
      for (let n = (before ? before.number : 0) + 1; n < head.number; n += 1) missing.push(n)
      if (missing.length) removed.push(...missing)
      else edited.add(before ? before.number : head.number) // the record before no longer has the hash this one names
    }
    let current = head
    while (current && !order.includes(current)) {
      order.push(current)
      current = following.get(current.sha)
    }
  }
  for (const entry of entries) if (!order.includes(entry)) order.push(entry)
  const moved = order.filter((entry, position) => entries[position] !== entry).map((entry) => entry.number).sort((a, b) => a - b)
  const problems = [...edited].sort((a, b) => a - b).map((number) => ({ code: 'record_edited', records: [number] }))
  if (removed.length) problems.push({ code: 'record_removed', records: removed })
  if (moved.length) problems.push({ code: 'records_reordered', records: moved })
  return problems
}

function splitLines(bytes, count) {
  const lines = []
  let start = 0
  for (let i = 0; i < bytes.length && lines.length < count; i += 1) {
    if (bytes[i] === 0x0a) {
      lines.push(bytes.subarray(start, i))
      start = i + 1
    }
  }
  if (lines.length < count && start < bytes.length) lines.push(bytes.subarray(start))
  return lines
}

/**
 * Check an evidence bundle (zip bytes) against the published keys ([{ key_id, public_key, … }]).
 * Resolves to { ok, problems: [{ code, records, subject? }], records, keyId, key, manifest }; never
 * throws for a bad file (`not_a_bundle`), only when the browser cannot verify Ed25519 at all.
 */
export async function checkEvidenceBundle(bytes, keys, subtle = globalThis.crypto?.subtle) {
  let files
  let manifest
  try {
    files = await readZip(bytes)
    manifest = JSON.parse(new TextDecoder().decode(files[MANIFEST_FILE]))
    if (!Array.isArray(manifest.records)) throw new TypeError('records')
  } catch {
    return { ok: false, problems: [{ code: 'not_a_bundle', records: [] }], records: 0, keyId: null, key: null, manifest: null }
  }
  const report = { records: manifest.records.length, keyId: null, key: null, manifest }
  const problems = await checkSeal(files, files[MANIFEST_FILE], keys, subtle, report)
  if (!files[CUSTODY_FILE]) problems.push({ code: 'custody_missing', records: [] })
  else problems.push(...(await checkChain(manifest.records, splitLines(files[CUSTODY_FILE], manifest.records.length), subtle)))
  for (const entry of manifest.files ?? []) {
    const data = files[entry.name]
    if (!data) problems.push({ code: 'file_missing', records: [], subject: entry.name })
    else if (hex(await sha256(data, subtle)) !== entry.sha256) problems.push({ code: 'file_altered', records: [], subject: entry.name })
  }
  return { ...report, ok: problems.length === 0, problems }
}
