// The form parser's two ways through a component: plain ASCII read as it is, everything else
// decoded ('+', '%XX', strict UTF-8). Both must give what the encoder meant, and refuse the same.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { FirehouseError } from '../../../src/domain/errors.js'
import { decodeComponent, parseFormUrlencoded } from '../../../src/http/body/form-urlencoded.js'

const bytesOf = (text: string): Uint8Array => new TextEncoder().encode(text)

/** Encodes each character one of the ways a client may: as is (when safe), '+' for a space, or %XX of its UTF-8. */
const encodings = (text: string): fc.Arbitrary<string> =>
  fc.tuple(...[...text].map((char) => fc.nat(2).map((way) => {
    if (way === 0 && /^[A-Za-z0-9._~@-]$/.test(char)) return char
    if (way === 1 && char === ' ') return '+'
    return encodeURIComponent(char).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  }))).map((parts) => parts.join(''))

test('any text, however encoded, decodes to itself (2,000 runs)', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }).chain((text) => fc.tuple(fc.constant(text), encodings(text))), ([text, encoded]) => {
      assert.equal(decodeComponent(bytesOf(encoded), 'body'), text)
    }),
    { numRuns: 2_000 },
  )
})

test('a component of plain ASCII is read as it is, control characters included (2,000 runs)', () => {
  const plain = fc.uint8Array({ maxLength: 60 }).map((bytes) => bytes.map((byte) => byte & 0x7f).filter((byte) => byte !== 0x25 && byte !== 0x2b && byte !== 0x26 && byte !== 0x3d))
  fc.assert(
    fc.property(plain, (bytes) => {
      assert.equal(decodeComponent(bytes, 'body'), String.fromCharCode(...bytes))
    }),
    { numRuns: 2_000 },
  )
})

test('a field inside a larger body decodes from its own bytes only (subarrays of one buffer)', () => {
  const body = Buffer.from('number_customergauge=42&status=CLOSE&comment=caf%C3%A9+ok&assigned_to=des.patch%40directness.net')
  assert.deepEqual(parseFormUrlencoded(body.subarray(0), 'body'), [
    { name: 'number_customergauge', value: '42' },
    { name: 'status', value: 'CLOSE' },
    { name: 'comment', value: 'café ok' },
    { name: 'assigned_to', value: 'des.patch@directness.net' },
  ])
})

test('bad percent-encoding and bad UTF-8 are 300005 on both ways', () => {
  for (const bad of ['%ZZ', 'abc%', '%C3', '%FF', 'caf\u00e9']) {
    const bytes = bad === 'caf\u00e9' ? new Uint8Array([0x63, 0x61, 0x66, 0xe9]) : bytesOf(bad)
    assert.throws(() => decodeComponent(bytes, 'body'), (error: unknown) => error instanceof FirehouseError && error.code === 300005, bad)
  }
})

/**
 * What a body means, read the plain way: split at '&' (empty parts dropped), each part at its first
 * '=', '+' a space, then strict percent-decoding (raw bytes above 0x7F taken as their %XX), with
 * JavaScript's own decodeURIComponent, which refuses bad escapes and bad UTF-8 as the contract does.
 */
function plainReading(body: Uint8Array): { name: string; value: unknown }[] | 'malformed' | 'too many' {
  const decode = (text: string): string =>
    decodeURIComponent(text.replace(/\+/g, ' ').replace(/[\x80-\xff]/g, (char) => `%${char.charCodeAt(0).toString(16)}`))
  const parts = Buffer.from(body).toString('latin1').split('&').filter((part) => part !== '')
  if (parts.length > 100) return 'too many'
  try {
    return parts.map((part) => {
      const equals = part.indexOf('=')
      return equals === -1 ? { name: decode(part), value: '' } : { name: decode(part.slice(0, equals)), value: decode(part.slice(equals + 1)) }
    })
  } catch {
    return 'malformed'
  }
}

test('a whole body reads as the plain reading does, part by part and refusal by refusal (5,000 runs)', () => {
  // Bytes that matter to the parser, dense enough to meet every boundary: delimiters, escapes cut
  // short at a part's end, UTF-8 whole and broken, raw bytes above 0x7F.
  const piece = fc.constantFrom('a', 'Z', '0', '=', '&', '+', '%', '%4', '%41', '%3D', '%26', '%2B', '%C3%A9', '%C3', '%E2%82%AC', '%ED%A0%80', '%zz', '\u00e9', '\u00ff')
  const body = fc.array(piece, { maxLength: 30 }).map((pieces) => Buffer.from(pieces.join(''), 'latin1'))
  fc.assert(
    fc.property(body, (bytes) => {
      const expected = plainReading(bytes)
      let actual: ReturnType<typeof plainReading>
      try {
        actual = parseFormUrlencoded(bytes, 'body')
      } catch (error) {
        assert.ok(error instanceof FirehouseError, String(error))
        actual = error.code === 300005 ? 'malformed' : error.code === 300000 ? 'too many' : assert.fail(`code ${error.code}`)
      }
      assert.deepEqual(actual, expected, bytes.toString('latin1'))
    }),
    { numRuns: 5_000 },
  )
})
