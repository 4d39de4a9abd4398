// Workflow rules per tenant (SPEC §9) and admin API keys: the auto_open flag becomes the rule's NPS
// range (0–6, as it was: detractors) or none, with an optional record field beside it.

import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  for (const rule of ['rule_progressive', 'rule_comment_on_status_change', 'rule_comment_on_reassign']) {
    await db.schema.alterTable('tenants').addColumn(rule, 'integer', (col) => col.notNull().defaultTo(0)).execute()
  }
  await db.schema.alterTable('tenants').addColumn('auto_open_nps_min', 'integer', (col) => col.defaultTo(0)).execute()
  await db.schema.alterTable('tenants').addColumn('auto_open_nps_max', 'integer', (col) => col.defaultTo(6)).execute()
  await db.schema.alterTable('tenants').addColumn('auto_open_field', 'text').execute()
  // A tenant made with --no-auto-open keeps opening nothing.
  await db.updateTable('tenants').set({ auto_open_nps_min: null, auto_open_nps_max: null }).where('auto_open', '=', 0).execute()
  await db.schema.alterTable('tenants').dropColumn('auto_open').execute()

  // Only an admin key may change the rules (PUT /api/v1/settings/workflow).
  await db.schema.alterTable('api_keys').addColumn('admin', 'integer', (col) => col.notNull().defaultTo(0)).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('api_keys').dropColumn('admin').execute()
  await db.schema.alterTable('tenants').addColumn('auto_open', 'integer', (col) => col.notNull().defaultTo(1)).execute()
  await db.updateTable('tenants').set({ auto_open: 0 }).where('auto_open_nps_min', 'is', null).where('auto_open_field', 'is', null).execute()
  for (const column of ['auto_open_field', 'auto_open_nps_max', 'auto_open_nps_min', 'rule_comment_on_reassign', 'rule_comment_on_status_change', 'rule_progressive']) {
    await db.schema.alterTable('tenants').dropColumn(column).execute()
  }
}
