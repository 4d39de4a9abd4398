// Indexes for the read side: the metrics summary reads a tenant's cases by the time they opened.

import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_tenant_opened').on('cases').columns(['tenant_id', 'opened_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cases_tenant_opened').execute()
}
