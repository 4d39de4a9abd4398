// The Insights buckets: the window's UTC days and the duration bands, at their edges.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { countByBand, DURATION_BANDS, utcDaysEndingAt, windowStart } from '../../src/domain/insight-buckets.js'

const HOUR = 3_600
const DAY = 86_400

test('the window is the last n UTC days, oldest first, ending with the day now falls on', () => {
  const cases: Array<[string, number, string[]]> = [
    ['2026-12-10T15:00:00.000Z', 3, ['2026-12-08', '2026-12-09', '2026-12-10']],
    ['2026-12-10T00:00:00.000Z', 2, ['2026-12-09', '2026-12-10']],
    ['2026-12-10T23:59:59.999Z', 1, ['2026-12-10']],
    ['2026-03-01T08:00:00.000Z', 3, ['2026-02-27', '2026-02-28', '2026-03-01']],
    ['2027-01-01T00:30:00.000+01:00', 2, ['2026-12-30', '2026-12-31']],
  ]
  for (const [now, count, days] of cases) assert.deepEqual(utcDaysEndingAt(new Date(now), count), days, `${now} × ${count}`)
  const month = utcDaysEndingAt(new Date('2026-12-10T15:00:00Z'), 30)
  assert.equal(month.length, 30)
  assert.equal(month[0], '2026-11-11')
})

test('the window starts at midnight UTC of its oldest day', () => {
  assert.equal(windowStart(new Date('2026-12-10T15:00:00Z'), 30), '2026-11-11T00:00:00.000Z')
  assert.equal(windowStart(new Date('2026-12-10T15:00:00Z'), 1), '2026-12-10T00:00:00.000Z')
})

test('each duration falls in the band below whose bound it is; a bound belongs to the next band', () => {
  const table: Array<[number, string]> = [
    [0, 'Under 1 h'],
    [HOUR - 1, 'Under 1 h'],
    [HOUR, '1–4 h'],
    [4 * HOUR - 0.5, '1–4 h'],
    [4 * HOUR, '4–24 h'],
    [DAY, '1–3 d'],
    [3 * DAY, '3–7 d'],
    [7 * DAY - 1, '3–7 d'],
    [7 * DAY, '7 d or more'],
    [400 * DAY, '7 d or more'],
  ]
  for (const [seconds, band] of table) {
    const counts = countByBand([seconds])
    assert.deepEqual(counts.filter((entry) => entry.count > 0).map((entry) => entry.band), [band], `${seconds} s`)
  }
})

test('counting by band keeps every band, in order, with zero where none fall', () => {
  const counts = countByBand([60, 2 * HOUR, 3 * HOUR, 10 * DAY])
  assert.deepEqual(counts.map((entry) => entry.band), DURATION_BANDS.map((band) => band.label))
  assert.deepEqual(counts.map((entry) => entry.count), [1, 2, 0, 0, 0, 1])
  assert.deepEqual(countByBand([]).map((entry) => entry.count), [0, 0, 0, 0, 0, 0])
})
