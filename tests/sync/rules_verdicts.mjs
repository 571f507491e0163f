// Reads {"schemas": {op type: JSON Schema}, "cases": [operation, …]} on stdin and prints the phone's
// verdict for each case (pwa/src/sync/rules.js, as the PWA runs it): [{"valid", "fields"}, …].
import { createRules } from '../../pwa/src/sync/rules.js'

let input = ''
process.stdin.setEncoding('utf8')
for await (const chunk of process.stdin) input += chunk
const { schemas, cases } = JSON.parse(input)
const rules = createRules(schemas)
const verdicts = cases.map((op) => {
  const { valid, fields } = rules.check(op)
  return { valid, fields: Object.keys(fields).sort() }
})
process.stdout.write(JSON.stringify(verdicts))
