// The inspection being recorded on the device (a local draft, saved on every change), the operations it
// becomes in the outbox, checked with the server's rules first, and the way out of a conflict or a
// refusal ("keep mine" / "keep theirs", correct and resend). Loaded by the task screens only (not the
// shell: the task list needs only fieldState.js).
import { shallowRef } from 'vue'
import { appDb, getRecord, listOutbox, listOutboxByTarget, listPhotos, newId, putPhoto, putRecord } from '../../db/index.js'
import { api } from '../../app/api.js'
import { amendOutboxEntry, discardOutboxEntry, enqueue, retryOutbox } from '../../app/outboxState.js'
import { PUSH_URL, applyVersion, baseVersion, deviceId, keepMineChanges, recordIdOf, targetKey } from '../../sync/fieldProtocol.js'
import { conflictEntries, field, instructionDoc, saveDoc } from './fieldState.js'
import { keyedBySection, sectionOf } from './taskState.js'

export { sectionOf } from './taskState.js'

const DRAFT = 'inspection-draft'
const draftId = (instructionId) => `draft:${instructionId}`

/** The local draft of an inspection (created empty the first time). */
export async function loadDraft(instructionId) {
  const db = await appDb()
  const stored = await getRecord(db, draftId(instructionId))
  return stored?.draft ?? { instructionId, started: false, submittedAt: null, items: {}, samples: [], conclusion: null, conclusionNotes: '', disposition: { kind: null }, signature: null }
}

export async function saveDraft(draft) {
  const db = await appDb()
  await putRecord(db, { id: draftId(draft.instructionId), type: DRAFT, draft: JSON.parse(JSON.stringify(draft)) })
}

// --- The server's rules (catalogs.operation_schemas), checked before anything is queued ---------------
// The validator (src/sync/rules.js with @cfworker/json-schema) is imported on first use: it lands in
// its own chunk, loaded by the inspector's task screens and never by the shell.
export const rules = shallowRef(null)
let compiledFrom = null

/** Compile the rules of the catalog on this device (again only when they changed). */
export async function loadRules() {
  const schemas = field.catalogs?.operation_schemas
  if (!schemas) return null
  const text = JSON.stringify(schemas)
  if (text !== compiledFrom) {
    const { createRules } = await import('../../sync/rules.js')
    rules.value = createRules(JSON.parse(text))
    compiledFrom = text
  }
  return rules.value
}

/** An operation refused by the rules on the phone: `fields` maps field paths to problems. */
export class RulesError extends Error {
  constructor(fields, op) {
    super(`operation ${op.type} does not follow the rules: ${Object.keys(fields).join(', ')}`)
    this.fields = fields
    this.op = op
  }
}

const CREATES = new Set(['sample.add', 'photo.declare', 'photo.attach'])

/** The rules' problems of one operation as { 'section.field': [problem] } (field: path in the body). */
export function problemsOf(rulesNow, op) {
  if (!rulesNow) return {}
  const { type, target, body } = op // a draft's operation also carries its label
  const checked = { type, target, base_version: CREATES.has(type) ? null : 0, recorded_at: new Date().toISOString(), body }
  const { fields } = rulesNow.check(checked)
  return keyedBySection(sectionOf(op), fields)
}

/** The operations a draft becomes (no versions yet), each with its label and section. */
export function draftOperations(draft, doc, { label }) {
  const ops = []
  const add = (type, target, body, what) => ops.push({ type, target: { instruction_id: doc.id, ...target }, body: plain(body), label: `${label} · ${what}` })
  for (const item of doc.items ?? []) {
    const found = draft.items[item.id]
    if (!found?.result) continue
    add('item_result.set', { item_id: item.id }, { result: found.result, notes: found.notes ?? '', measurements: {} }, item.description_zh)
  }
  for (const sample of draft.samples) add('sample.add', { sample_id: sample.id }, sampleBody(sample), `样品 ${sample.sample_no}`)
  add('conclusion.set', {}, { conclusion: draft.conclusion, notes: draft.conclusionNotes ?? '' }, '结论')
  if (draft.disposition?.kind) add('disposition.set', {}, { ...draft.disposition }, '处置')
  if (draft.signature) add('signature.set', {}, { png_base64: draft.signature }, '签名')
  return ops
}

export const sampleBody = (sample) => ({ sample_no: sample.sample_no, quantity: String(sample.quantity), unit: sample.unit, laboratory: sample.laboratory, tests: [...sample.tests], item_id: sample.item_id ?? null })

/** Every problem of a draft's operations, keyed by the form's fields. */
export function draftProblems(rulesNow, draft, doc) {
  const out = {}
  for (const op of draftOperations(draft, doc, { label: '' })) Object.assign(out, problemsOf(rulesNow, op))
  return out
}

async function enqueueOp(instructionId, type, target, body, { label, location = null, meta = null } = {}) {
  const db = await appDb()
  const doc = await instructionDoc(instructionId)
  // Plain data only: the draft's reactive proxies cannot be stored in IndexedDB.
  const op = { type, target: { instruction_id: instructionId, ...target }, recorded_at: new Date().toISOString(), body: JSON.parse(JSON.stringify(body)) }
  if (location) op.location = { lat: location.lat, lon: location.lon, accuracy_m: location.accuracy ?? null }
  // Only this target's pending operations (an index read), not the whole day's queue.
  const key = targetKey(op)
  op.base_version = baseVersion(doc, op, key === null ? [] : await listOutboxByTarget(db, key))
  const checked = (await loadRules())?.check(op)
  if (checked && !checked.valid) throw new RulesError(checked.fields, op)
  return enqueue({ kind: 'op', method: 'POST', url: PUSH_URL, body: op, recordId: recordIdOf(instructionId), label, meta })
}

/** 开始查检: accept (when only assigned) and start, queued. */
export async function startInspection(draft, doc, { label, location }) {
  if (doc.status === 'assigned') await enqueueOp(doc.id, 'instruction.accept', {}, {}, { label: `${label} · 接受` })
  if (doc.status === 'assigned' || doc.status === 'accepted') await enqueueOp(doc.id, 'instruction.start', {}, {}, { label: `${label} · 开始`, location })
  draft.started = true
  await saveDraft(draft)
}

// The position a photo was taken at, as the server's photo metadata takes it (photo.declare's rules:
// an accuracy out of their range is left out rather than refusing the photo).
const inRange = (value, low, high) => typeof value === 'number' && Number.isFinite(value) && value >= low && value <= high
const photoGps = (gps) => (gps && inRange(gps.lat, -90, 90) && inRange(gps.lon, -180, 180) ? { lat: gps.lat, lon: gps.lon, accuracy: inRange(gps.accuracy, 0, 100000) ? gps.accuracy : null } : null)

/**
 * Keep a photo on the device and queue, in this order: its upload, its declaration (sent with the
 * findings, so the office sees "photos pending" before the bytes arrive) and its link (sent once
 * the upload is done). `originalSha256` and `exif` are the camera file's hash and EXIF
 * (imaging.js preparePhoto): the chain of custody across the re-encode.
 */
export async function addPhoto(doc, { blob, sha256, originalSha256 = null, exif = null, width, height, gps, capturedAt, itemId = null, label }) {
  const db = await appDb()
  const extension = blob.type === 'image/webp' ? 'webp' : 'jpg'
  const meta = { sha256, originalSha256, exif, width, height, gps: photoGps(gps), capturedAt, itemId, filename: `photo-${capturedAt.replace(/[^0-9]/g, '')}.${extension}` }
  const photo = await putPhoto(db, { blob, recordId: recordIdOf(doc.id), meta })
  await enqueue({ kind: 'upload', method: 'PUT', url: '/api/v1/uploads', recordId: recordIdOf(doc.id), label, meta: { photoId: photo.id, size: blob.size } })
  const item = itemId ? { item_id: itemId } : {}
  const declared = { sha256, original_sha256: originalSha256, captured_at: capturedAt, gps: meta.gps, exif, caption: null }
  await enqueueOp(doc.id, 'photo.declare', { client_photo_id: photo.id, ...item }, declared, { label: `${label} · 登记`, location: gps, meta: { photoId: photo.id } })
  await enqueueOp(doc.id, 'photo.attach', { photo_id: null, client_photo_id: photo.id, ...item }, { sha256, caption: '' }, { label: `${label} · 关联`, location: gps, meta: { photoId: photo.id } })
  return photo
}

export async function photosOf(instructionId) {
  const db = await appDb()
  return listPhotos(db, recordIdOf(instructionId))
}

/**
 * 提交结果: every finding of the draft becomes an operation, then the completion. All of them are
 * checked against the server's rules first: when one breaks a rule nothing is queued (RulesError).
 */
export async function submitInspection(draft, doc, { label, location }) {
  const ops = draftOperations(draft, doc, { label }).filter((op) => op.type !== 'sample.add' || !draft.samples.find((s) => s.id === op.target.sample_id)?.queued)
  const problems = {}
  for (const op of ops) Object.assign(problems, problemsOf(await loadRules(), op))
  if (Object.keys(problems).length) throw new RulesError(problems, ops[0])
  for (const op of ops) {
    const { instruction_id: _, ...target } = op.target
    await enqueueOp(doc.id, op.type, target, op.body, { label: op.label, location })
    if (op.type === 'sample.add') draft.samples.find((s) => s.id === op.target.sample_id).queued = true
  }
  await enqueueOp(doc.id, 'instruction.complete', {}, {}, { label: `${label} · 完成`, location })
  draft.submittedAt = Date.now()
  await saveDraft(draft)
}

/** Operations of an instruction the server refused (rejected: it can never apply as sent). */
export const refusedEntries = (instructionId) => conflictEntries().filter((entry) => entry.body?.target?.instruction_id === instructionId && entry.lastError?.status === 'rejected')

/**
 * Replace a refused operation with its corrected version, read from the draft the inspector just
 * edited: a new op_id (the server refuses a reused one with other content), the same place in the
 * queue, so the entries queued behind it go right after it.
 */
export async function resendCorrected(shown) {
  const entry = plain(shown)
  const op = entry.body
  const instructionId = op.target.instruction_id
  const [draft, doc] = [await loadDraft(instructionId), await instructionDoc(instructionId)]
  const section = sectionOf(op)
  const fresh = doc ? draftOperations(draft, doc, { label: '' }).find((candidate) => sectionOf(candidate) === section) : null
  const body = fresh?.body ?? (section === 'steps' ? {} : op.body)
  const corrected = { ...op, body, recorded_at: new Date().toISOString() }
  const checked = (await loadRules())?.check(corrected)
  if (checked && !checked.valid) throw new RulesError(checked.fields, corrected)
  await amendOutboxEntry(entry.seq, { id: newId(), body: corrected })
  return retryOutbox() // the entries waiting behind it go now, not after their backoff
}

/** Give up a refused operation (e.g. it can never apply); the entries behind it go on. */
export const discardRefused = (shown) => discardOutboxEntry(plain(shown).seq)

export const newSampleId = () => newId()

// Entries come from the reactive outbox state: IndexedDB cannot store Vue's proxies.
const plain = (value) => JSON.parse(JSON.stringify(value))

/** "Keep mine": send my content again against the server's current version; my later edits of the same target move along. */
export async function keepMine(shown) {
  const entry = plain(shown)
  const problem = entry.lastError ?? {}
  const instructionId = entry.body?.target?.instruction_id
  if (problem.error === 'instruction.lease_held') {
    const db = await appDb()
    await api.post(`/api/v1/instructions/${instructionId}/lease`, { device_id: await deviceId(db), take_over: true })
    return amendOutboxEntry(entry.seq, {})
  }
  const serverVersion = problem.server?.version
  // The server keeps its answer to an op_id: the same id again would only replay the refusal.
  if (serverVersion == null) return amendOutboxEntry(entry.seq, { id: newId() })
  const shift = serverVersion - (entry.body.base_version ?? 0)
  const key = targetKey(entry.body)
  const db = await appDb()
  for (const later of await listOutbox(db)) {
    if (later.seq > entry.seq && later.kind === 'op' && later.body && targetKey(later.body) === key) {
      await amendOutboxEntry(later.seq, { body: { ...later.body, base_version: later.body.base_version + shift } })
    }
  }
  const doc = await instructionDoc(instructionId)
  if (doc) await saveDoc(instructionId, applyVersion(doc, { ...entry.body, body: theirContent(entry.body.type, problem.server) }, serverVersion))
  return amendOutboxEntry(entry.seq, keepMineChanges(entry, serverVersion))
}

function theirContent(type, server) {
  if (!server) return {}
  if (type === 'item_result.set') return { result: server.result, notes: server.notes, measurements: server.measurements ?? {} }
  if (type === 'conclusion.set') return { conclusion: server.conclusion, notes: server.notes ?? '' }
  if (type === 'disposition.set') return server.disposition ?? server
  return {}
}

/** "Keep theirs": drop my change and take the server's content into the draft and the local copy. */
export async function keepTheirs(shown) {
  const entry = plain(shown)
  const problem = entry.lastError ?? {}
  const op = entry.body
  const instructionId = op?.target?.instruction_id
  if (op && problem.server?.version != null) {
    const content = theirContent(op.type, problem.server)
    const doc = await instructionDoc(instructionId)
    if (doc) await saveDoc(instructionId, applyVersion(doc, { ...op, body: content }, problem.server.version))
    const draft = await loadDraft(instructionId)
    if (op.type === 'item_result.set') draft.items[op.target.item_id] = { result: content.result, notes: content.notes ?? '' }
    if (op.type === 'conclusion.set') Object.assign(draft, { conclusion: content.conclusion, conclusionNotes: content.notes ?? '' })
    if (op.type === 'disposition.set') draft.disposition = { ...content }
    await saveDraft(draft)
  }
  await discardOutboxEntry(entry.seq)
}

