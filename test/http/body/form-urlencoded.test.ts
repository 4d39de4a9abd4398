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
