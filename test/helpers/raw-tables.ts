// A tenant's rows as the database holds them, not as the API shows them: what atomicity checks compare.

import type { ServiceContext } from '../../src/service/context.js'

/**
 * The tenant's row (with its change sequence), and every case, history entry, idempotency key and
 * survey record of the tenant, in a stable order. Read through Kysely: the API hides the change
 * sequence, and a history row beyond a case's `history_count` never shows in a case view.
 */
export async function readTenantRows(ctx: ServiceContext, slug: string) {
  const db = ctx.store.db
  const tenant = await db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow()
  const cases = await db.selectFrom('cases').selectAll().where('tenant_id', '=', tenant.id).orderBy('number_customergauge').execute()
  const history = await db
    .selectFrom('history_entries')
    .selectAll()
    .where('tenant_id', '=', tenant.id)
    .orderBy('number_customergauge')
    .orderBy('seq')
    .execute()
  const idempotencyKeys = await db.selectFrom('idempotency_keys').selectAll().where('tenant_id', '=', tenant.id).orderBy('key').execute()
  const records = await db.selectFrom('records').selectAll().where('tenant_id', '=', tenant.id).orderBy('number_customergauge').execute()
  return { tenant, cases, history, idempotencyKeys, records }
}

export type TenantRows = Awaited<ReturnType<typeof readTenantRows>>
