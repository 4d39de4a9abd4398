// Which of many CG-IDs a tenant already has in a table keyed by (tenant_id, number_customergauge).

import type { Kysely } from 'kysely'
import { chunks } from './chunks.js'
import type { Database } from './database.js'

/** Looks the CG-IDs up 500 at a time: one IN list per statement stays under both engines' parameter caps. */
export async function existingCgids(
  db: Kysely<Database>,
  table: 'records' | 'cases',
  tenantId: string,
  cgids: readonly number[],
): Promise<Set<number>> {
  const found = new Set<number>()
  for (const chunk of chunks(cgids, 500)) {
    const rows = await db
      .selectFrom(table)
      .select('number_customergauge')
      .where('tenant_id', '=', tenantId)
      .where('number_customergauge', 'in', chunk)
      .execute()
    for (const row of rows) found.add(row.number_customergauge)
  }
  return found
}
