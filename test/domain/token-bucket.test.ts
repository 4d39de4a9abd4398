// takeToken: burst, refill and the numbers behind the RateLimit-* headers.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { takeToken } from '../../src/domain/token-bucket.js'

test('a full bucket allows `capacity` requests, then refuses with Retry-After >= 1 until refilled', () => {
  const bucket = { tokens: 4, updatedAt: 0 }
  const remaining = [1, 2, 3, 4].map(() => takeToken(bucket, 2, 4, 0).remaining)
  assert.deepEqual(remaining, [3, 2, 1, 0])
  const refused = takeToken(bucket, 2, 4, 0)
  assert.deepEqual([refused.allowed, refused.retryAfterS, refused.resetS], [false, 1, 2])
  assert.equal(takeToken(bucket, 2, 4, 499).allowed, false)
  assert.equal(takeToken(bucket, 2, 4, 1000).allowed, true)
})

test('refill never exceeds capacity', () => {
  const bucket = { tokens: 0, updatedAt: 0 }
  assert.equal(takeToken(bucket, 10, 20, 60_000).remaining, 19)
})
