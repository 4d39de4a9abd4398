// Planner statistics after bulk loads: PostgreSQL plans by them, and they go stale as tables grow.

import { sql, type Kysely } from 'kysely'
import type { Database } from './database.js'
import type { Dialect } from './dialect.js'

/**
 * Refreshes the statistics of the tables an import fills (PostgreSQL's advice after a bulk load).
 * Without it, and without autovacuum (which may be off, or not yet round), PostgreSQL keeps the
 * estimates of a small table: it then looks CG-IDs up by the tenant alone and filters, reading
 * every row of the tenant per look-up. SQLite looks keys up the same way at any size: nothing to do.
 */
export async function refreshStatisticsAfterBulkLoad(db: Kysely<Database>, dialect: Dialect): Promise<void> {
  if (dialect.name !== 'postgres') return
  await sql`analyze records, cases, history_entries`.execute(db)
}
