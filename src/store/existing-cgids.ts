// Which of many CG-IDs a tenant already has in a table keyed by (tenant_id, number_customergauge).

import type { Kysely } from 'kysely'
import { chunks } from './chunks.js'
import { compiledOncePerRowCount } from './compiled-once.js'
import type { Database } from './database.js'

type KeyedTable = 'records' | 'cases'

/**
 * The look-up in one table, compiled once per list length: an import asks once per 500 rows, and
 * Kysely compiling a list of 500 values each time cost more than SQLite answering it.
 */
function lookUpIn(table: KeyedTable) {
  return compiledOncePerRowCount(
    { number_customergauge: true },
    (db, rows: { number_customergauge: number }[], where: { tenant_id: string }) =>
      db
        .selectFrom(table)
        .select('number_customergauge')
        .where('tenant_id', '=', where.tenant_id)
        .where(
          'number_customergauge',
          'in',
          rows.map((row) => row.number_customergauge),
        ),
    { tenant_id: true },
  )
}

const LOOK_UPS = { records: lookUpIn('records'), cases: lookUpIn('cases') }

/** Looks the CG-IDs up 500 at a time: one IN list per statement stays under both engines' parameter caps. */
export async function existingCgids(db: Kysely<Database>, table: KeyedTable, tenantId: string, cgids: readonly number[]): Promise<Set<number>> {
  const found = new Set<number>()
  for (const chunk of chunks(cgids, 500)) {
    const rows = await LOOK_UPS[table](
      db,
      chunk.map((cgid) => ({ number_customergauge: cgid })),
      { tenant_id: tenantId },
    )
    for (const row of rows) found.add(row.number_customergauge)
  }
  return found
}
