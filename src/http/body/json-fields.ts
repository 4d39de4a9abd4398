// Reads a JSON body's top-level fields with a parser that keeps repeated keys (JSON.parse drops them).

import { parse, type AnyNode } from '@humanwhocodes/momoa'
import { FirehouseError } from '../../domain/errors.js'
import { MAX_FIELDS, type RawField } from '../../domain/workflow-input.js'
import { decodeUtf8Strict } from './utf8.js'

/** Values that are not scalars are kept as this marker, which the field rules reject as 300001. */
const NOT_A_SCALAR = Object.freeze({ notAScalar: true })

export function parseJsonFields(body: Uint8Array): RawField[] {
  const text = decodeUtf8Strict(body, 'the JSON body')
  if (text.trim() === '') return []
  let document
  try {
    document = parse(text, { mode: 'json' })
  } catch {
    throw new FirehouseError('MALFORMED_BODY', 'Malformed request: the body is not valid JSON')
  }
  if (document.body.type !== 'Object') {
    throw new FirehouseError('MALFORMED_BODY', 'Malformed request: the JSON body must be an object')
  }
  const members = document.body.members
  if (members.length > MAX_FIELDS) {
    throw new FirehouseError('TOO_MANY_PARAMETERS', `Too many parameters (more than ${MAX_FIELDS})`)
  }
  return members.map((member) => ({
    name: member.name.type === 'String' ? member.name.value : member.name.name,
    value: scalarValue(member.value),
  }))
}

function scalarValue(node: AnyNode): unknown {
  switch (node.type) {
    case 'String':
    case 'Number':
    case 'Boolean':
      return node.value
    case 'Null':
      return null
    default:
      return NOT_A_SCALAR
  }
}
