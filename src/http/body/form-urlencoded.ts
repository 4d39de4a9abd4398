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

/**
 * Parses form-encoded bytes (a body or a query string) into fields, in order. Names and values are
 * read by their ranges of `bytes`, without a view per part: a v4.1 call's form made a dozen typed
 * array views and copies, ~3 KB of the ~27 KB the request thread allocated per call (issue 17).
 */
export function parseFormUrlencoded(encoded: Uint8Array, where: string): RawField[] {
  const bytes = asBuffer(encoded)
  const fields: RawField[] = []
  let start = 0
  while (start <= bytes.length) {
    let end = bytes.indexOf(AMPERSAND, start)
    if (end === -1) end = bytes.length
    if (end > start) {
      if (fields.length === MAX_FIELDS) {
        throw new FirehouseError('TOO_MANY_PARAMETERS', `Too many parameters (more than ${MAX_FIELDS})`)
      }
      fields.push(parsePair(bytes, start, end, where))
    }
    start = end + 1
  }
  return fields
}

/** The pair in bytes[start, end): its name up to the first '=', its value after it (empty without one). */
function parsePair(bytes: Buffer, start: number, end: number, where: string): RawField {
  let equals = start
  while (equals < end && bytes[equals] !== EQUALS) equals++
  const value = equals === end ? '' : decodeRange(bytes, equals + 1, end, where)
  return { name: decodeRange(bytes, start, equals, where), value }
}

/** Decodes '+' and '%XX' escapes to bytes, then the bytes as strict UTF-8 (also HTTP Basic's parts for OAuth2, RFC 6749 §2.3.1). */
export function decodeComponent(encoded: Uint8Array, where: string): string {
  return decodeRange(asBuffer(encoded), 0, encoded.length, where)
}

/** The bytes as a Buffer (a view, not a copy), whose toString reads a range without another view. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** decodeComponent of bytes[start, end). */
function decodeRange(encoded: Buffer, start: number, end: number, where: string): string {
  if (isPlainAscii(encoded, start, end)) return encoded.toString('latin1', start, end)
  const bytes = Buffer.allocUnsafe(end - start)
  let length = 0
  // Every decoded byte below 0x80 (a comment's spaces, an e-mail's %40): ASCII, read as it is.
  let ascii = true
  for (let i = start; i < end; i++) {
    const byte = encoded[i] as number
    if (byte === PLUS) {
      bytes[length++] = SPACE
    } else if (byte === PERCENT) {
      // Both hex digits within the range: the byte after it belongs to the next part.
      const high = i + 2 < end ? hexValue(encoded[i + 1]) : -1
      const low = i + 2 < end ? hexValue(encoded[i + 2]) : -1
      if (high < 0 || low < 0) {
        throw new FirehouseError('MALFORMED_BODY', `Malformed request: invalid percent-encoding in the ${where}`)
      }
      const decoded = high * 16 + low
      if (decoded >= 0x80) ascii = false
      bytes[length++] = decoded
      i += 2
    } else {
      if (byte >= 0x80) ascii = false
      bytes[length++] = byte
    }
  }
  return ascii ? bytes.toString('latin1', 0, length) : decodeUtf8Strict(bytes.subarray(0, length), `the ${where}`)
}

/**
 * Whether bytes[start, end) are ASCII with nothing to decode: most fields of a v4.1 call are (a
 * CG-ID, a status, an e-mail), and they are read as they are, without a copy or a UTF-8 decoder.
 */
function isPlainAscii(encoded: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const byte = encoded[i] as number
    if (byte >= 0x80 || byte === PLUS || byte === PERCENT) return false
  }
  return true
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30
  const lower = byte | 0x20
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10
  return -1
}
