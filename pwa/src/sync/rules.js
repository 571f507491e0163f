// The server's rules for every sync operation (docs/sync.md, *Rules*), checked on the phone before
// anything is queued: the JSON Schemas come with the pull's catalogs (catalogs.operation_schemas),
// one per operation type, of the whole operation. No DOM, no Vue: the parity test runs this file
// under node against the same cases it sends to the server.
import { Validator } from '@cfworker/json-schema'

// Filled in when the outbox sends the entry (its id is the op_id; a photo link gets the server's
// photo id after the upload): checked here with stand-ins of the right shape.
export const SENT_LATER = Object.freeze({ op_id: '00000000-0000-4000-8000-000000000000', photo_id: 1 })
const BLANK = '^\\s*\\S'

// Keywords whose errors only repeat that something below failed.
const WRAPPERS = new Set(['properties', 'allOf', 'if', 'then', 'else', 'items', 'prefixItems', 'additionalProperties', 'propertyNames', '$ref'])

/** Compile the published schemas: op type -> validator (compiled once per catalog version). */
export function createRules(operationSchemas) {
  const validators = new Map()
  const schemas = operationSchemas ?? {}
  function validatorOf(type) {
    if (!validators.has(type)) validators.set(type, schemas[type] ? new Validator(schemas[type], '2020-12', false) : null)
    return validators.get(type)
  }
  return {
    /** Whether rules for `type` are known (an older catalog may not have them). */
    knows: (type) => Boolean(schemas[type]),
    /**
     * Check one operation as it will be sent. Returns { valid, fields } where `fields` maps a field
     * path ('body.duration_hours', 'target.item_id', 'body.measurements.moisture.value') to the
     * problems found there: [{ rule, limit }] (rule: required, type:number, enum, maxLength, …).
     */
    check(op) {
      const validator = validatorOf(op?.type)
      if (!validator) return { valid: true, fields: {}, unknownType: !schemas[op?.type] }
      const sent = { op_id: SENT_LATER.op_id, ...plain(op) }
      if (sent.type === 'photo.attach' && sent.target && sent.target.photo_id == null) sent.target = { ...sent.target, photo_id: SENT_LATER.photo_id }
      const result = validator.validate(sent)
      return { valid: result.valid, fields: result.valid ? {} : problemsByField(result.errors, schemas[op.type]) }
    },
  }
}

const plain = (value) => JSON.parse(JSON.stringify(value))

function pointerPath(location) {
  return location
    .replace(/^#\/?/, '')
    .split('/')
    .filter(Boolean)
    .map((part) => decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~'))
}

function schemaAt(schema, keywordLocation) {
  let node = schema
  for (const part of pointerPath(keywordLocation)) node = node?.[part]
  return node
}

/** The validator's errors as problems per field path, the deepest one of each place. */
export function problemsByField(errors, schema) {
  const fields = {}
  const add = (path, problem) => {
    const list = (fields[path] = fields[path] ?? [])
    if (!list.some((known) => known.rule === problem.rule)) list.push(problem)
  }
  for (const error of errors) {
    if (WRAPPERS.has(error.keyword)) continue
    if (/\/anyOf\/\d+\//.test(error.keywordLocation)) continue // one branch of a choice: the anyOf error speaks for it
    const path = pointerPath(error.instanceLocation)
    const limit = schemaAt(schema, error.keywordLocation)
    switch (error.keyword) {
      case 'required': {
        const name = /required property "(.+)"/.exec(error.error)?.[1]
        add([...path, name].join('.'), { rule: 'required' })
        break
      }
      case 'false':
        add(path.join('.'), { rule: 'unknown' })
        break
      case 'type': {
        const type = Array.isArray(limit) ? limit.find((t) => t !== 'null') : limit
        add(path.join('.'), { rule: `type:${type}` })
        break
      }
      case 'const':
      case 'enum':
        add(path.join('.'), { rule: 'enum' })
        break
      case 'pattern':
        add(path.join('.'), { rule: limit === BLANK ? 'blank' : 'pattern' })
        break
      case 'not':
        add(path.join('.'), { rule: 'nul' })
        break
      case 'anyOf': {
        const branches = schemaAt(schema, error.keywordLocation) ?? []
        const number = branches.some((branch) => branch.type === 'number')
        add(path.join('.'), { rule: number ? 'decimal' : 'pattern' })
        break
      }
      case 'minLength':
        add(path.join('.'), { rule: limit <= 1 ? 'blank' : 'minLength', limit })
        break
      default: // maxLength, minItems, maxItems, maxProperties, minimum, maximum, exclusive…, format
        add(path.join('.'), { rule: error.keyword, limit })
    }
  }
  return fields
}
