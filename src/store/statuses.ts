// Queries on a tenant's extended status set.

import type { Kysely } from 'kysely'
import type { ExtendedStatus, Phase } from '../domain/status.js'
import type { Database } from './database.js'

export async function listStatuses(db: Kysely<Database>, tenantId: string): Promise<ExtendedStatus[]> {
  const rows = await db
    .selectFrom('statuses')
    .select(['code', 'label', 'phase'])
    .where('tenant_id', '=', tenantId)
    .orderBy('code')
    .execute()
  // The column's CHECK constraint admits only the three phases.
  return rows.map((row) => ({ code: row.code, label: row.label, phase: row.phase as Phase }))
}

/** Replaces the tenant's whole set; call it inside a transaction. */
export async function replaceStatuses(
  db: Kysely<Database>,
  tenantId: string,
  statuses: readonly ExtendedStatus[],
): Promise<void> {
  await db.deleteFrom('statuses').where('tenant_id', '=', tenantId).execute()
  if (statuses.length === 0) return
  await db
    .insertInto('statuses')
    .values(statuses.map((status) => ({ tenant_id: tenantId, ...status })))
    .execute()
}
