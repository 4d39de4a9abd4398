// Tenants, their API keys, users and extended status sets.

import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('tenants')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('slug', 'text', (col) => col.notNull().unique())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('region', 'text', (col) => col.notNull())
    .addColumn('extended_statuses', 'integer', (col) => col.notNull().defaultTo(0))
    .addColumn('auto_open', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('rate_limit', 'integer')
    .addColumn('change_seq', 'bigint', (col) => col.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .execute()

  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('tenant_id', 'text', (col) => col.notNull().references('tenants.id'))
    .addColumn('prefix', 'text', (col) => col.notNull())
    .addColumn('hash', 'text', (col) => col.notNull().unique())
    .addColumn('label', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('revoked_at', 'text')
    .execute()
  await db.schema.createIndex('api_keys_tenant').on('api_keys').columns(['tenant_id', 'created_at']).execute()

  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('tenant_id', 'text', (col) => col.notNull().references('tenants.id'))
    .addColumn('email', 'text', (col) => col.notNull())
    .addColumn('email_lower', 'text', (col) => col.notNull())
    .addColumn('name', 'text')
    .addColumn('active', 'integer', (col) => col.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addUniqueConstraint('users_tenant_email', ['tenant_id', 'email_lower'])
    .execute()

  await db.schema
    .createTable('statuses')
    .addColumn('tenant_id', 'text', (col) => col.notNull().references('tenants.id'))
    .addColumn('code', 'integer', (col) => col.notNull().check(sql`code between 0 and 99`))
    .addColumn('label', 'text', (col) => col.notNull())
    .addColumn('phase', 'text', (col) => col.notNull().check(sql`phase in ('OPEN', 'PROGRESS', 'CLOSED')`))
    .addPrimaryKeyConstraint('statuses_pk', ['tenant_id', 'code'])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['statuses', 'users', 'api_keys', 'tenants']) {
    await db.schema.dropTable(table).execute()
  }
}
