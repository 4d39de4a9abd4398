// The remembered callers of this process (src/service/cached-callers.ts): a recall is the request's
// own copy of every field of the caller as remembered, marked unconfirmed with how to look its key
// up; what one request does to its copy (confirming it) never reaches the next request's.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Caller } from '../../src/service/api-keys.js'
import { createCallerCache } from '../../src/service/cached-callers.js'

const CALLER: Caller = { tenantId: 't-1', actor: 'key:k-1', bucketId: 'k-1', rateLimit: 42, admin: true }
const OTHER: Caller = { tenantId: 't-2', actor: 'key:k-2', bucketId: 'k-2', rateLimit: null, admin: false }

test('a recalled caller holds every field of the remembered one, unconfirmed, in its region only', () => {
  const cache = createCallerCache()
  cache.remember('hash-1', { ...CALLER, unconfirmedKey: { hash: 'stale', region: 'us' } }, 'eu')
  cache.remember('hash-2', OTHER, 'eu')
  assert.deepEqual(cache.recall('hash-1', 'eu'), { ...CALLER, unconfirmedKey: { hash: 'hash-1', region: 'eu' } })
  assert.deepEqual(cache.recall('hash-2', 'eu'), { ...OTHER, unconfirmedKey: { hash: 'hash-2', region: 'eu' } })
  assert.equal(cache.recall('hash-1', 'us'), undefined)
  assert.equal(cache.recall('hash-3', 'eu'), undefined)
  cache.forget('hash-1')
  assert.equal(cache.recall('hash-1', 'eu'), undefined)
})

test("one request's copy is its own: confirming it leaves the next recall unconfirmed", () => {
  const cache = createCallerCache()
  cache.remember('hash-1', CALLER, 'eu')
  const first = cache.recall('hash-1', 'eu')!
  first.unconfirmedKey = undefined
  first.admin = false
  assert.deepEqual(cache.recall('hash-1', 'eu'), { ...CALLER, unconfirmedKey: { hash: 'hash-1', region: 'eu' } })
  assert.notEqual(cache.recall('hash-1', 'eu'), cache.recall('hash-1', 'eu'))
})
