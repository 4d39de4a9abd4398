// Webhooks out (SPEC §8): endpoints, what each one wants, the outbox of deliveries and their attempts.

import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('tenant_id', 'text', (col) => col.notNull().references('tenants.id'))
    .addColumn('url', 'text', (col) => col.notNull())
    .addColumn('description', 'text')
    // The lists as given, for reading back; webhook_endpoint_filters holds them for matching.
    .addColumn('events', 'text', (col) => col.notNull())
    .addColumn('exclude_actors', 'text', (col) => col.notNull())
    .addColumn('enabled', 'integer', (col) => col.notNull())
    .addColumn('disabled_reason', 'text')
    // Kept as is, not hashed: it keys the HMAC of every delivery.
    .addColumn('secret', 'text', (col) => col.notNull())
    .addColumn('previous_secret', 'text')
    .addColumn('previous_secret_until', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'text', (col) => col.notNull())
    // The 5-day rule counts from the later of these two.
    .addColumn('enabled_at', 'text', (col) => col.notNull())
    .addColumn('last_success_at', 'text')
    .execute()
  await db.schema.createIndex('webhook_endpoints_tenant').on('webhook_endpoints').columns(['tenant_id', 'created_at']).execute()

  // One row per subscribed event type ('*' for all) and per excluded actor: the write path's
  // fan-out matches them with plain equality, the same SQL on both databases.
  await db.schema
    .createTable('webhook_endpoint_filters')
    .addColumn('endpoint_id', 'text', (col) => col.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind in ('event', 'exclude_actor')`))
    .addColumn('value', 'text', (col) => col.notNull())
    .addPrimaryKeyConstraint('webhook_endpoint_filters_pk', ['endpoint_id', 'kind', 'value'])
    .execute()

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (col) => col.primaryKey())
    .addColumn('tenant_id', 'text', (col) => col.notNull())
    .addColumn('endpoint_id', 'text', (col) => col.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    .addColumn('event_id', 'text', (col) => col.notNull())
    .addColumn('event_type', 'text', (col) => col.notNull())
    // null for a ping; with entry_seq, the order a case's events go out in.
    .addColumn('number_customergauge', 'bigint')
    .addColumn('entry_seq', 'integer', (col) => col.notNull())
    .addColumn('event_at', 'text', (col) => col.notNull())
    .addColumn('payload', 'text', (col) => col.notNull())
    .addColumn('status', 'text', (col) => col.notNull().check(sql`status in ('pending', 'succeeded', 'failed')`))
    .addColumn('attempt_count', 'integer', (col) => col.notNull())
    .addColumn('next_attempt_at', 'text', (col) => col.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('created_at', 'text', (col) => col.notNull())
    .addColumn('finished_at', 'text')
    .execute()
  // Claims look at pending deliveries only, by due time, and at a case's earlier pending events.
  await db.schema
    .createIndex('webhook_deliveries_due')
    .on('webhook_deliveries')
    .columns(['next_attempt_at'])
    .where(sql.ref('status'), '=', 'pending')
    .execute()
  await db.schema
    .createIndex('webhook_deliveries_case_order')
    .on('webhook_deliveries')
    .columns(['endpoint_id', 'number_customergauge', 'entry_seq'])
    .where(sql.ref('status'), '=', 'pending')
    .execute()
  await db.schema.createIndex('webhook_deliveries_log').on('webhook_deliveries').columns(['endpoint_id', 'created_at', 'id']).execute()
  await db.schema.createIndex('webhook_deliveries_finished').on('webhook_deliveries').columns(['finished_at']).execute()

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('delivery_id', 'text', (col) => col.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('n', 'integer', (col) => col.notNull())
    .addColumn('at', 'text', (col) => col.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (col) => col.notNull())
    .addColumn('response', 'text')
    .addPrimaryKeyConstraint('webhook_attempts_pk', ['delivery_id', 'n'])
    .execute()
  await db.schema.createIndex('webhook_attempts_at').on('webhook_attempts').columns(['at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['webhook_attempts', 'webhook_deliveries', 'webhook_endpoint_filters', 'webhook_endpoints']) {
    await db.schema.dropTable(table).execute()
  }
}
