// PostgreSQL: a foreign-key check never keeps scanning a table that has grown since its plan was made.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql, type Kysely } from 'kysely'
import { importRecords } from '../../src/service/import-records.js'
import { createTenant } from '../../src/service/tenants.js'
import type { Database } from '../../src/store/database.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { surveyRecord } from '../helpers/server.js'

const postgres = TEST_DATABASES.find((kind) => kind.name === 'postgres')
const ROUNDS = 3
const PER_ROUND = 2_000
const TABLES = ['records', 'cases'] as const
/**
 * PostgreSQL 15 holds a backend's counters back for at most a minute (PGSTAT_MAX_INTERVAL) when
 * shared memory is busy; past that they are not coming.
 */
const COUNTERS_BOUND_MS = 60_000

interface TableCounters {
  relname: string
  inserted: number
  read: number
}

/**
 * The tables' counters once they include all of the import. A backend publishes a table's counters
 * (inserts and reads together) after its transaction, when it goes idle, and not more often than
 * once a second; `n_live_tup` is no sign of that, ANALYZE sets it at once. So: ask this backend (the
 * pool's only connection, the one that imported) to publish at its next idle moment, then wait
 * until every inserted row shows, which is when the reads of the same transactions show too.
 */
async function countersAfterImport(db: Kysely<Database>, inserted: number): Promise<TableCounters[]> {
  await sql`select pg_stat_force_next_flush()`.execute(db)
  const started = Date.now()
  for (;;) {
    // Each statement is its own transaction, so each reads a fresh snapshot of the counters.
    const { rows } = await sql<TableCounters>`
      select relname, n_tup_ins::int as inserted, (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0))::int as read
      from pg_stat_user_tables where relname in (${sql.join(TABLES)}) order by relname`.execute(db)
    if (rows.length === TABLES.length && rows.every((row) => row.inserted >= inserted)) return rows
    if (Date.now() - started > COUNTERS_BOUND_MS) {
      throw new Error(`pg_stat_user_tables still lacks the import after ${COUNTERS_BOUND_MS} ms (${JSON.stringify(rows)}): its read counters would say nothing`)
    }
    await sleep(100)
  }
}

test(
  '[postgres] successive imports on one connection check each case and record by its key, not by reading all the tenant rows',
  { skip: postgres ? false : 'needs FIREHOUSE_TEST_PG_URL' },
  async (t) => {
    // One connection: the one whose cached plans went stale (an import got slower with every round).
    const { ctx } = await openTestContext(t, postgres!, { poolSize: 1 })
    await createTenant(ctx, { slug: 'acme', region: 'eu' })
    for (let round = 0; round < ROUNDS; round++) {
      const records = Array.from({ length: PER_ROUND }, (_, i) => surveyRecord(round * PER_ROUND + i + 1, 3))
      await importRecords(ctx, 'acme', records)
    }
    const rows = await countersAfterImport(ctx.store.db, ROUNDS * PER_ROUND)
    t.diagnostic(rows.map((row) => `${row.relname}: ${row.inserted} rows inserted, ${row.read} rows read`).join('; '))
    for (const row of rows) {
      // Measured here: records ~5 and cases ~26 rows read per row imported with fresh plans; with
      // the generic plan cached while the table was small, cases read ~340 per row (~2 M in all),
      // growing with the table.
      assert.ok(row.read <= 50 * ROUNDS * PER_ROUND, `${row.relname}: ${row.read} rows read for ${row.inserted} rows inserted`)
    }
  },
)
