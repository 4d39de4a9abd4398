// parseIsoDateTime: the one strict ISO 8601 reader (records' date_creation, updated_since), table-driven.

import assert from 'node:assert/strict'
import { test } from 'node:test'
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
