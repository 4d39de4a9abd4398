// A strict application/x-www-form-urlencoded parser: bad percent-encoding or UTF-8 is 300005.
// The common parsers silently keep "%ZZ" or replace invalid bytes, which the v4.1 contract forbids.

import { Buffer } from 'node:buffer'
import { FirehouseError } from '../../domain/errors.js'
import { MAX_FIELDS, type RawField } from '../../domain/workflow-input.js'
import { decodeUtf8Strict } from './utf8.js'

const AMPERSAND = 0x26
const EQUALS = 0x3d
const PLUS = 0x2b
const PERCENT = 0x25
const SPACE = 0x20

/** Parses form-encoded bytes (a body or a query string) into fields, in order. */
export function parseFormUrlencoded(bytes: Uint8Array, where: string): RawField[] {
  const fields: RawField[] = []
  let start = 0
  while (start <= bytes.length) {
    let end = bytes.indexOf(AMPERSAND, start)
    if (end === -1) end = bytes.length
    if (end > start) {
      if (fields.length === MAX_FIELDS) {
        throw new FirehouseError('TOO_MANY_PARAMETERS', `Too many parameters (more than ${MAX_FIELDS})`)
      }
      fields.push(parsePair(bytes.subarray(start, end), where))
    }
    start = end + 1
  }
  return fields
}

function parsePair(pair: Uint8Array, where: string): RawField {
  const equals = pair.indexOf(EQUALS)
  const name = equals === -1 ? pair : pair.subarray(0, equals)
  const value = equals === -1 ? new Uint8Array(0) : pair.subarray(equals + 1)
  return { name: decodeComponent(name, where), value: decodeComponent(value, where) }
}

/** Decodes '+' and '%XX' escapes to bytes, then the bytes as strict UTF-8 (also HTTP Basic's parts for OAuth2, RFC 6749 §2.3.1). */
export function decodeComponent(encoded: Uint8Array, where: string): string {
  if (isPlainAscii(encoded)) return asciiText(encoded)
  const bytes = new Uint8Array(encoded.length)
  let length = 0
  for (let i = 0; i < encoded.length; i++) {
    const byte = encoded[i] as number
    if (byte === PLUS) {
      bytes[length++] = SPACE
    } else if (byte === PERCENT) {
      const high = hexValue(encoded[i + 1])
      const low = hexValue(encoded[i + 2])
      if (high < 0 || low < 0) {
        throw new FirehouseError('MALFORMED_BODY', `Malformed request: invalid percent-encoding in the ${where}`)
      }
      bytes[length++] = high * 16 + low
      i += 2
    } else {
      bytes[length++] = byte
    }
  }
  return decodeUtf8Strict(bytes.subarray(0, length), `the ${where}`)
}

/**
 * Whether the component is ASCII with nothing to decode: most fields of a v4.1 call are (a CG-ID, a
 * status, an e-mail), and they are read as they are, without a copy or a UTF-8 decoder.
 */
function isPlainAscii(encoded: Uint8Array): boolean {
  for (let i = 0; i < encoded.length; i++) {
    const byte = encoded[i] as number
    if (byte >= 0x80 || byte === PLUS || byte === PERCENT) return false
  }
  return true
}

function asciiText(encoded: Uint8Array): string {
  return Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength).toString('latin1')
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30
  const lower = byte | 0x20
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10
  return -1
}
