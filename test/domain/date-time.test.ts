// parseIsoDateTime: the one strict ISO 8601 reader (records' date_creation, updated_since), table-driven.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { parseIsoDateTime } from '../../src/domain/date-time.js'

test('dates and date-times that exist are read to the instant they name; a date alone and a time without an offset are UTC', () => {
  const rows: Array<[string, string, boolean, boolean]> = [
    ['2026-02-28', '2026-02-28T00:00:00.000Z', false, false],
    ['2024-02-29', '2024-02-29T00:00:00.000Z', false, false],
    ['2000-02-29', '2000-02-29T00:00:00.000Z', false, false],
    ['2026-12-31T23:59:59Z', '2026-12-31T23:59:59.000Z', true, true],
    ['2026-11-27 10:00', '2026-11-27T10:00:00.000Z', true, false],
    ['2026-11-27T10:00:00.1+01:00', '2026-11-27T09:00:00.100Z', true, true],
    ['2026-11-27T10:00:00.123456789-0530', '2026-11-27T15:30:00.123Z', true, true],
    ['2026-01-01T00:30:00+01:00', '2025-12-31T23:30:00.000Z', true, true],
    ['0001-01-01', '0001-01-01T00:00:00.000Z', false, false],
    ['0099-03-01T12:00:00Z', '0099-03-01T12:00:00.000Z', true, true],
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z', true, true],
  ]
  for (const [text, iso, hasTime, hasOffset] of rows) {
    const parsed = parseIsoDateTime(text)
    assert.deepEqual(parsed && { ...parsed, epochMs: new Date(parsed.epochMs).toISOString() }, { epochMs: iso, hasTime, hasOffset }, text)
    // It round-trips: the UTC form it names reads back to the same instant.
    assert.equal(parseIsoDateTime(iso)?.epochMs, parsed!.epochMs, text)
  }
})

test('days and times that do not exist, and what is not ISO 8601, are refused, never rolled over', () => {
  const refused = [
    '2026-02-29', '2026-02-30', '2026-02-31', '2026-04-31', '2026-06-31', '2026-09-31', '2026-11-31', '1900-02-29', '2100-02-29',
    '2026-00-10', '2026-13-01', '2026-01-00', '2026-01-32',
    '2026-01-01T24:00', '2026-01-01T24:00:00Z', '2026-01-01T23:60', '2026-01-01T23:59:60Z',
    '2026-01-01T10:00+24:00', '2026-01-01T10:00+01:60', '2026-01-01T10:00+1',
    '2026-1-01', '26-01-01', '+002026-01-01', '2026-01-01T10', '2026-01-01T10:00:00.', '2026-01-01T10:00:00.1234567890Z',
    '2026-01-01Z', '2026-01-01t10:00', ' 2026-01-01', '2026-01-01 ', '２０２６-01-01', 'yesterday', '1700000000', '',
  ]
  for (const text of refused) assert.equal(parseIsoDateTime(text), undefined, text)
  // What Date.parse would do with them: roll over, or take them.
  assert.equal(new Date(Date.parse('2026-02-30')).toISOString(), '2026-03-02T00:00:00.000Z')
})

test('YYYY-MM-DDThh:mm:ssZ, read digit by digit, reads as the pattern reads the same date-time written with a space', () => {
  // The space form takes the pattern's path; the T form the digit-by-digit one (src/domain/date-time.ts).
  // Mostly near the bounds of each part, so that both existing and non-existing ones are common.
  const part = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'))
  const year = fc.oneof(fc.constantFrom('0000', '0001', '0099', '0100', '1900', '2000', '2024', '2026', '2100', '9999'), fc.integer({ min: 0, max: 9999 }).map((n) => String(n).padStart(4, '0')))
  const twoDigits = part(99)
  // Sometimes one character is not what the form has there: both paths must read it alike.
  const noise = fc.option(fc.tuple(fc.integer({ min: 0, max: 19 }), fc.constantFrom('x', ' ', '٣', '+', '-', ':', '/', 'T', '0')), { freq: 4 })
  fc.assert(
    fc.property(year, part(13), fc.oneof(part(32), twoDigits), part(25), part(61), fc.oneof(part(61), twoDigits), noise, (y, mo, d, h, mi, s, replaced) => {
      let text = `${y}-${mo}-${d}T${h}:${mi}:${s}Z`
      if (replaced) text = text.slice(0, replaced[0]) + replaced[1] + text.slice(replaced[0] + 1)
      fc.pre(text[10] === 'T')
      const spaced = `${text.slice(0, 10)} ${text.slice(11)}`
      assert.deepEqual(parseIsoDateTime(text), parseIsoDateTime(spaced), text)
    }),
    { numRuns: 20_000 },
  )
  assert.equal(parseIsoDateTime('2026-02-29T12:00:00Z'), undefined)
  assert.equal(parseIsoDateTime('2024-02-29T23:59:59Z')?.epochMs, Date.UTC(2024, 1, 29, 23, 59, 59))
})
