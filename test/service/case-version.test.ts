// The version check of a write (the board's form, later If-Match) happens inside the write, on both write paths.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { updateCase } from '../../src/service/update-workflow.js'
import { findTenantBySlug } from '../../src/store/tenants.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant } from '../helpers/server.js'

for (const kind of TEST_DATABASES) {
  for (const existing of [true, false]) {
    test(`[${kind.name}] 20 writes based on version ${existing ? 1 : 0} issued at once: one is written, 19 are refused with 400206 (${existing ? 'existing case' : 'no case yet'})`, async (t) => {
      const { ctx } = await openTestContext(t, kind)
      await createTestTenant(ctx, { slug: 'acme', records: [1], detractors: existing ? [1] : [] })
      const tenantId = (await findTenantBySlug(ctx.store.db, 'acme')).id
      const expectedVersion = existing ? 1 : 0
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, (_, index) =>
          updateCase(ctx, { tenantId, actor: 'user:a@acme.test', expectedVersion }, { numberCustomergauge: 1, status: 'PROGRESS', comment: `writer ${index}` }),
        ),
      )
      const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [(outcome.reason as { code?: number }).code] : []))
      assert.deepEqual(refused, Array(19).fill(400206))
      const shown = await showCase(ctx, 'acme', 1)
      assert.equal(shown.history.length, expectedVersion + 1)
      assert.equal(shown.history.at(-1)!.actor, 'user:a@acme.test')
    })
  }

  test(`[${kind.name}] a write based on the current version goes through; null clears the assignee`, async (t) => {
    const { ctx } = await openTestContext(t, kind)
    await createTestTenant(ctx, { slug: 'acme', records: [1], detractors: [1], users: ['des@acme.test'] })
    const tenantId = (await findTenantBySlug(ctx.store.db, 'acme')).id
    await updateCase(ctx, { tenantId, actor: 'user:a@acme.test', expectedVersion: 1 }, { numberCustomergauge: 1, assignedTo: 'DES@acme.test' })
    assert.equal((await showCase(ctx, 'acme', 1)).assigned_to, 'des@acme.test')
    await updateCase(ctx, { tenantId, actor: 'user:a@acme.test', expectedVersion: 2 }, { numberCustomergauge: 1, assignedTo: null })
    const shown = await showCase(ctx, 'acme', 1)
    assert.equal(shown.assigned_to, null)
    assert.deepEqual([shown.history[2]!.assigned_from, shown.history[2]!.assigned_to], ['des@acme.test', null])
  })
}
