// Survey records, their cases and every case's history.

import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('records')
    .addColumn('tenant_id', 'text', (col) => col.notNull().references('tenants.id'))
    .addColumn('number_customergauge', 'bigint', (col) => col.notNull())
    .addColumn('nps', 'integer', (col) => col.check(sql`nps between 0 and 10`))
    .addColumn('comment', 'text')
    .addColumn('account', 'text')
    .addColumn('email', 'text')
    .addColumn('first_name', 'text')
    .addColumn('last_name', 'text')
    .addColumn('date_creation', 'text')
    .addColumn('extra', 'text', (col) => col.notNull().defaultTo('{}'))
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('records_pk', ['tenant_id', 'number_customergauge'])
    .execute()

  await db.schema
    .createTable('cases')
    .addColumn('tenant_id', 'text', (col) => col.notNull())
    .addColumn('number_customergauge', 'bigint', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col.notNull().check(sql`status in ('OPEN', 'PROGRESS', 'CLOSED')`),
    )
    .addColumn('status_code', 'integer')
    .addColumn('status_label', 'text', (col) => col.notNull())
    .addColumn('assigned_to', 'text')
    .addColumn('opened_at', 'text', (col) => col.notNull())
    .addColumn('followed_up_at', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('updated_at', 'text', (col) => col.notNull())
    .addColumn('history_count', 'integer', (col) => col.notNull())
    .addColumn('change_seq', 'bigint', (col) => col.notNull())
    .addPrimaryKeyConstraint('cases_pk', ['tenant_id', 'number_customergauge'])
    .addForeignKeyConstraint(
      'cases_record',
      ['tenant_id', 'number_customergauge'],
      'records',
      ['tenant_id', 'number_customergauge'],
    )
    .execute()
  // The sync feed reads a tenant's cases in change order.
  await db.schema.createIndex('cases_tenant_change').on('cases').columns(['tenant_id', 'change_seq']).execute()

  await db.schema
    .createTable('history_entries')
    .addColumn('tenant_id', 'text', (col) => col.notNull())
    .addColumn('number_customergauge', 'bigint', (col) => col.notNull())
    .addColumn('seq', 'integer', (col) => col.notNull())
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('status_from', 'text')
    .addColumn('status_to', 'text', (col) => col.notNull())
    .addColumn('status_label_from', 'text')
    .addColumn('status_label_to', 'text', (col) => col.notNull())
    .addColumn('assigned_from', 'text')
    .addColumn('assigned_to', 'text')
    .addColumn('comment', 'text')
    .addPrimaryKeyConstraint('history_entries_pk', ['tenant_id', 'number_customergauge', 'seq'])
    .addForeignKeyConstraint(
      'history_entries_case',
      ['tenant_id', 'number_customergauge'],
      'cases',
      ['tenant_id', 'number_customergauge'],
    )
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['history_entries', 'cases', 'records']) {
    await db.schema.dropTable(table).execute()
  }
}
