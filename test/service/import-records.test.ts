// Imports at scale: one import larger than a statement's parameter limit still opens every case;
// a file larger than a slice is checked whole before it is written; the cases an import opens are
// in the sync feed.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { listCases } from '../../src/service/case-feed.js'
import { showCase } from '../../src/service/case-view.js'
import { FirehouseError } from '../../src/domain/errors.js'
import { importRecordFile, importRecords, IMPORT_SLICE_ROWS } from '../../src/service/import-records.js'
import { showRecord } from '../../src/service/record-view.js'
import { createTenant } from '../../src/service/tenants.js'
import { updateCase } from '../../src/service/update-workflow.js'
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

// A file larger than a slice (IMPORT_SLICE_ROWS) is written in several transactions; each row is
// still checked before the first is written, and the report adds the slices up.
for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] a file of ${IMPORT_SLICE_ROWS * 2 + 500} rows: a bad last row writes nothing; a good one is counted across its slices`, async (t) => {
    const { ctx } = await openTestContext(t, kind)
    await createTenant(ctx, { slug: 'acme', region: 'eu' })
    const rows = IMPORT_SLICE_ROWS * 2 + 500
    const lines = Array.from({ length: rows }, (_, i) => JSON.stringify({ number_customergauge: i + 1, nps: i % 11 }))
    const bad = [...lines.slice(0, -1), JSON.stringify({ number_customergauge: rows, nps: 11 })].join('\n')
    await assert.rejects(importRecordFile(ctx, 'acme', bad, 'ndjson'), (error: unknown) => error instanceof FirehouseError && /^line 4500: /.test(error.message))
    for (const cgid of [1, IMPORT_SLICE_ROWS + 1, rows - 1]) await assert.rejects(showRecord(ctx, 'acme', cgid), /not found|does not exist/i)

    // Half the rows existed before: they are updated; detractors without a case get one.
    await importRecords(ctx, 'acme', Array.from({ length: rows / 2 }, (_, i) => surveyRecord(i * 2 + 1, 9)))
    const report = await importRecordFile(ctx, 'acme', lines.join('\n'), 'ndjson')
    const detractors = lines.filter((_, i) => i % 11 <= 6).length
    assert.deepEqual(report, { imported: rows / 2, updated: rows / 2, opened: detractors })
    assert.equal((await showCase(ctx, 'acme', IMPORT_SLICE_ROWS * 2 + 401)).status, 'OPEN')
  })
}

// The sync feed reads the change log: a case an import opens is there at its first entry's change.
for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] the cases an import opens are in the sync feed, in the order they were opened, until they change`, async (t) => {
    const { ctx } = await openTestContext(t, kind)
    const tenant = await createTenant(ctx, { slug: 'acme', region: 'eu' })
    await importRecords(ctx, 'acme', [surveyRecord(30, 2), surveyRecord(10, 9), surveyRecord(20, 0)])
    const feed = async (cursor?: string) => {
      const page = await listCases(ctx, tenant.id, { cursor })
      return { cgids: page.data.map((view) => view.number_customergauge), next: page.next_cursor }
    }
    const first = await feed()
    assert.deepEqual(first.cgids, [30, 20])
    await updateCase(ctx, { tenantId: tenant.id, actor: 'user:des@acme.test' }, { numberCustomergauge: 30, status: 'CLOSE' })
    assert.deepEqual((await feed(first.next)).cgids, [30])
    assert.deepEqual((await feed()).cgids, [20, 30])
  })
}
