// A new tenant's id (src/service/tenants.ts, newTenantId): short, random, and a taken one is drawn
// again rather than reported as a taken slug. Both databases.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FirehouseError } from '../../src/domain/errors.js'
import { createTenant, newTenantId } from '../../src/service/tenants.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'

test('a new tenant id is 12 hex digits, drawn at random', () => {
  const ids = Array.from({ length: 1000 }, () => newTenantId())
  for (const id of ids) assert.match(id, /^[0-9a-f]{12}$/)
  assert.equal(new Set(ids).size, ids.length)
})

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] a tenant whose drawn id is taken gets the next one; a taken slug is still refused`, async (t) => {
    const { ctx } = await openTestContext(t, kind)
    const first = await createTenant(ctx, { slug: 'first', region: 'eu' })
    assert.match(first.id, /^[0-9a-f]{12}$/)

    const draws = [first.id, 'c0ffee000001']
    const second = await createTenant(ctx, { slug: 'second', region: 'eu' }, () => draws.shift()!)
    assert.equal(second.id, 'c0ffee000001')
    assert.deepEqual(draws, [])

    await assert.rejects(
      createTenant(ctx, { slug: 'first', region: 'eu' }, () => 'c0ffee000002'),
      (error: unknown) => error instanceof FirehouseError && error.message === 'Tenant first already exists',
    )
    // Ids taken every time: the write's own failure, never a slug that is free called taken.
    await assert.rejects(
      createTenant(ctx, { slug: 'third', region: 'eu' }, () => first.id),
      (error: unknown) => !(error instanceof FirehouseError),
    )
  })
}
