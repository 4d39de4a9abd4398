// happened_at (SPEC §9 "Back-dating"): the forms it is read in and the checks against clock and case, table-driven.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkHappenedAt, defaultHappenedAt, parseHappenedAt, readHappenedAt } from '../../src/domain/happened-at.js'
import { FirehouseError } from '../../src/domain/errors.js'

test('ISO 8601 with Z or an offset, and YYYY-MM-DD HH:MM:SS as UTC, are read to their UTC form with milliseconds', () => {
  const rows: Array<[string, string]> = [
    ['2026-11-27T10:00:00Z', '2026-11-27T10:00:00.000Z'],
    ['2026-11-27T10:00:00.5Z', '2026-11-27T10:00:00.500Z'],
    ['2026-11-27T10:00:00.123456+00:00', '2026-11-27T10:00:00.123Z'],
    ['2026-11-27T12:00:00+02:00', '2026-11-27T10:00:00.000Z'],
    ['2026-11-27T05:30:00-0430', '2026-11-27T10:00:00.000Z'],
    ['2026-11-27T10:00Z', '2026-11-27T10:00:00.000Z'],
    ['2026-11-27 10:00:00', '2026-11-27T10:00:00.000Z'],
    ['2026-11-27 11:00:00+01:00', '2026-11-27T10:00:00.000Z'],
    ['2024-02-29T23:59:59.999Z', '2024-02-29T23:59:59.999Z'],
  ]
  for (const [text, iso] of rows) assert.equal(parseHappenedAt(text), iso, text)
})

test('malformed happened_at is refused: no time, a T time without an offset, a day or time that does not exist, not a date', () => {
  const refused = [
    '2026-11-27', '2026-11-27T10:00:00', '2026-11-27T10:00', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z',
    '2026-01-01T24:00:00Z', 'yesterday', 'now', '1700000000', '', '2026-11-27T10:00:00 Z', '2026-11-27t10:00:00Z',
    // Instants whose UTC form would leave the four-digit years.
    '0000-01-01T00:30:00+01:00', '9999-12-31T23:30:00-01:00',
  ]
  for (const text of refused) {
    assert.equal(parseHappenedAt(text), undefined, text)
    assert.throws(() => readHappenedAt(text), (error: FirehouseError) => error.code === 400207 && /^Invalid happened_at/.test(error.message), text)
  }
})

test('a happened_at more than 60 s ahead of the clock, or before the latest entry, is 400207; up to 60 s ahead and equal to the latest are taken', () => {
  const now = '2026-11-27T10:00:00.000Z'
  const rows: Array<[string, string | null, boolean]> = [
    ['2026-11-27T10:01:00.000Z', null, true],
    ['2026-11-27T10:01:00.001Z', null, false],
    ['2026-11-27T10:02:00.000Z', null, false],
    ['2026-11-27T09:00:00.000Z', null, true],
    ['2026-11-27T09:00:00.000Z', '2026-11-27T09:00:00.000Z', true],
    ['2026-11-27T08:59:59.999Z', '2026-11-27T09:00:00.000Z', false],
    ['2026-11-27T10:00:30.000Z', '2026-11-27T10:00:30.000Z', true],
  ]
  for (const [happenedAt, latest, taken] of rows) {
    const check = () => checkHappenedAt(happenedAt, now, latest)
    if (taken) assert.doesNotThrow(check, `${happenedAt} after ${latest}`)
    else assert.throws(check, (error: FirehouseError) => error.code === 400207, `${happenedAt} after ${latest}`)
  }
})

test('without one, a change happened at the later of now and the latest entry', () => {
  const now = '2026-11-27T10:00:00.000Z'
  assert.equal(defaultHappenedAt(now, null), now)
  assert.equal(defaultHappenedAt(now, '2026-11-27T09:00:00.000Z'), now)
  assert.equal(defaultHappenedAt(now, '2026-11-27T10:00:30.000Z'), '2026-11-27T10:00:30.000Z')
})
