// Reads a JSON body's top-level fields with a parser that keeps repeated keys (JSON.parse drops them).

import { parse, type AnyNode } from '@humanwhocodes/momoa'
import { FirehouseError } from '../../domain/errors.js'
import { findTooDeep, MAX_JSON_DEPTH } from '../../domain/json-shape.js'
import { MAX_FIELDS, type RawField } from '../../domain/workflow-input.js'
import { decodeUtf8Strict } from './utf8.js'

/** Values that are not scalars are kept as this marker, which the field rules reject as 300001. */
const NOT_A_SCALAR = Object.freeze({ notAScalar: true })

/**
 * Numbers not written in decimal digits (1E2, 12.0, -1) are kept as this marker, which the field
 * rules reject as 300001: number_customergauge takes decimal digits only (SPEC §1), and the value
 * of 1E2 or 1.0000000000000001 (100, 1) would hide what was written.
 */
const NOT_DECIMAL_DIGITS = Object.freeze({ notDecimalDigits: true })

const DECIMAL_DIGITS = /^[0-9]+$/

export function parseJsonFields(body: Uint8Array): RawField[] {
  const text = decodeUtf8Strict(body, 'the JSON body')
  if (text.trim() === '') return []
  // Before the parser, which recurses once per level: 64 KiB of '[' would overflow its stack.
  const tooDeepAt = findTooDeep(text)
  if (tooDeepAt !== -1) {
    throw new FirehouseError(
      'INVALID_ARGUMENT',
      `Invalid argument: the JSON body nests deeper than ${MAX_JSON_DEPTH} arrays and objects (at offset ${tooDeepAt})`,
    )
  }
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
    value: scalarValue(member.value, text),
  }))
}

function scalarValue(node: AnyNode, text: string): unknown {
  switch (node.type) {
    case 'Number':
      return DECIMAL_DIGITS.test(text.slice(node.loc.start.offset, node.loc.end.offset)) ? node.value : NOT_DECIMAL_DIGITS
    case 'String':
    case 'Boolean':
      return node.value
    case 'Null':
      return null
    default:
      return NOT_A_SCALAR
  }
}
