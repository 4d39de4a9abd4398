// PostgreSQL: an import that adds many records refreshes the planner's statistics, so that the next
// import's CG-ID look-ups are planned for the table's real size even when autovacuum is off (as on
// the machines here) or has not come round yet. Without them, on 1 M records, each look-up of 500
// CG-IDs read all the tenant's rows (bench: 3,191 records/s imported).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { importRecords } from '../../src/service/import-records.js'
import { createTenant } from '../../src/service/tenants.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { surveyRecord } from '../helpers/server.js'

const postgres = TEST_DATABASES.find((kind) => kind.name === 'postgres')

test(
  '[postgres] an import of 1,000 records or more analyzes records, cases and history_entries; a small one does not',
  { skip: postgres ? false : 'needs FIREHOUSE_TEST_PG_URL' },
  async (t) => {
    const { ctx } = await openTestContext(t, postgres!)
    const tables = ['records', 'cases', 'history_entries']
    // Whatever the server's setting, autovacuum must not analyze these tables behind the test's back.
    for (const table of tables) await sql`alter table ${sql.table(table)} set (autovacuum_enabled = false)`.execute(ctx.store.db)
    const analyzed = async () =>
      (
        await sql<{ relname: string; count: number }>`
          select relname, analyze_count::int as count from pg_stat_user_tables where relname in (${sql.join(tables)}) order by relname`.execute(ctx.store.db)
      ).rows
    await createTenant(ctx, { slug: 'acme', region: 'eu' })

    await importRecords(ctx, 'acme', Array.from({ length: 999 }, (_, i) => surveyRecord(i + 1, 3)))
    assert.deepEqual(await analyzed(), tables.map((relname) => ({ relname, count: 0 })).sort((a, b) => a.relname.localeCompare(b.relname)))

    await importRecords(ctx, 'acme', Array.from({ length: 1_000 }, (_, i) => surveyRecord(1_000 + i, 3)))
    // The statistics collector reports within a moment of the work.
    let counts = await analyzed()
    for (let i = 0; i < 50 && counts.some((row) => row.count === 0); i++) counts = (await new Promise((r) => setTimeout(r, 100)), await analyzed())
    for (const row of counts) assert.equal(row.count, 1, `${row.relname} analyzed once`)
  },
)
