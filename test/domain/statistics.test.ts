// quantile: the median and p90 of the metrics summary.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { quantile } from '../../src/domain/statistics.js'

test('median and p90 interpolate between the closest ranks; no values give null', () => {
  assert.equal(quantile([], 0.5), null)
  assert.equal(quantile([7], 0.9), 7)
  assert.equal(quantile([3, 1, 2], 0.5), 2)
  assert.equal(quantile([4, 1, 3, 2], 0.5), 2.5)
  assert.equal(quantile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9), 91)
  assert.equal(quantile([0, 100], 0.9), 90)
})
