// People on the board (SPEC §7): passwords and roles, sessions, sign-in attempts, SLA targets, and
// the board's index (a tenant's cases of one phase, most recently changed first).

import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('users').addColumn('password_hash', 'text').execute()
  await db.schema
    .alterTable('users')
    .addColumn('role', 'text', (col) => col.notNull().defaultTo('agent').check(sql`role in ('agent', 'admin')`))
    .execute()
  await db.schema.alterTable('tenants').addColumn('sla_follow_up_hours', 'integer', (col) => col.notNull().defaultTo(24)).execute()
  await db.schema.alterTable('tenants').addColumn('sla_close_hours', 'integer', (col) => col.notNull().defaultTo(120)).execute()

  await db.schema
    .createTable('sessions')
    // SHA-256 of the session id: the cookie's value is never stored.
    .addColumn('id_hash', 'text', (col) => col.primaryKey())
    .addColumn('tenant_id', 'text', (col) => col.notNull().references('tenants.id'))
    .addColumn('user_id', 'text', (col) => col.notNull().references('users.id'))
    .addColumn('csrf_token', 'text', (col) => col.notNull())
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('last_seen_at', 'text', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('sessions_user').on('sessions').columns(['user_id']).execute()

  await db.schema
    .createTable('sign_in_failures')
    // The workspace slug and e-mail as typed (lower-cased): throttled whether or not they exist.
    .addColumn('account_key', 'text', (col) => col.notNull())
    .addColumn('at', 'text', (col) => col.notNull())
    .execute()
  await db.schema.createIndex('sign_in_failures_account').on('sign_in_failures').columns(['account_key', 'at']).execute()

  // The number_customergauge tail orders cards changed at the same instant (an import's) without a sort.
  await db.schema
    .createIndex('cases_tenant_status_updated')
    .on('cases')
    .columns(['tenant_id', 'status', 'updated_at', 'number_customergauge'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('cases_tenant_status_updated').execute()
  await db.schema.dropTable('sign_in_failures').execute()
  await db.schema.dropTable('sessions').execute()
  for (const column of ['sla_close_hours', 'sla_follow_up_hours']) await db.schema.alterTable('tenants').dropColumn(column).execute()
  for (const column of ['role', 'password_hash']) await db.schema.alterTable('users').dropColumn(column).execute()
}
