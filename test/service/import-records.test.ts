// Imports at scale: one import larger than a statement's parameter limit still opens every case.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { importRecords } from '../../src/service/import-records.js'
import { createTenant } from '../../src/service/tenants.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { surveyRecord } from '../helpers/server.js'

// Above SQLite's 32,766 parameters per statement, which one IN (…) list per import overran.
const DETRACTORS = 33_000

// SQLite only: PostgreSQL allows 65,535 parameters, and this size there costs minutes, not seconds.
for (const kind of TEST_DATABASES.filter((candidate) => candidate.name === 'sqlite')) {
  test(`[${kind.name}] one import of ${DETRACTORS} detractors opens a case for each, numbered in one run of the change sequence`, async (t) => {
    const { ctx } = await openTestContext(t, kind)
    await createTenant(ctx, { slug: 'acme', region: 'eu' })
    const records = Array.from({ length: DETRACTORS }, (_, i) => surveyRecord(i + 1, i % 7))
    assert.deepEqual(await importRecords(ctx, 'acme', records), { imported: DETRACTORS, updated: 0, opened: DETRACTORS })
    assert.deepEqual(await importRecords(ctx, 'acme', records), { imported: 0, updated: DETRACTORS, opened: 0 })
    const last = await showCase(ctx, 'acme', DETRACTORS)
    assert.equal(last.status, 'OPEN')
    assert.deepEqual(last.history.map((entry) => [entry.seq, entry.actor]), [[1, 'import']])
  })
}
