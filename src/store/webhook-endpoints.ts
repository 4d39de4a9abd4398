// Queries on webhook endpoints and their filters (event types wanted, actors excluded).

import type { Kysely } from 'kysely'
import { FirehouseError } from '../domain/errors.js'
import type { Database, WebhookEndpoint, WebhookEndpointTable } from './database.js'

/** What an endpoint wants: event types ('*' for all) and actors whose changes it is not sent. */
export interface EndpointFilters {
  events: readonly string[]
  excludeActors: readonly string[]
}

export async function insertEndpoint(db: Kysely<Database>, endpoint: WebhookEndpoint, filters: EndpointFilters): Promise<void> {
  await db.insertInto('webhook_endpoints').values(endpoint).execute()
  await insertFilters(db, endpoint.id, filters)
}

/** The tenant's endpoint, or 400301: another tenant's endpoint is indistinguishable from a missing one. */
export async function findEndpoint(db: Kysely<Database>, tenantId: string, id: string): Promise<WebhookEndpoint> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirstOrThrow(notFound)
}

export async function listEndpoints(db: Kysely<Database>, tenantId: string): Promise<WebhookEndpoint[]> {
  return db.selectFrom('webhook_endpoints').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute()
}

/** Changes the tenant's endpoint (400301 when it has none with this id); new filters replace the old. */
export async function updateEndpoint(
  db: Kysely<Database>,
  tenantId: string,
  id: string,
  changes: Partial<Omit<WebhookEndpointTable, 'id' | 'tenant_id' | 'created_at'>>,
  filters?: EndpointFilters,
): Promise<void> {
  const result = await db.updateTable('webhook_endpoints').set(changes).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst()
  if (result.numUpdatedRows === 0n) throw notFound()
  if (filters) {
    await db.deleteFrom('webhook_endpoint_filters').where('endpoint_id', '=', id).execute()
    await insertFilters(db, id, filters)
  }
}

/** Deletes the tenant's endpoint with its filters, deliveries and attempts (400301 when none). */
export async function deleteEndpoint(db: Kysely<Database>, tenantId: string, id: string): Promise<void> {
  await findEndpoint(db, tenantId, id)
  const deliveries = db.selectFrom('webhook_deliveries').select('id').where('endpoint_id', '=', id)
  await db.deleteFrom('webhook_attempts').where('delivery_id', 'in', deliveries).execute()
  await db.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute()
  await db.deleteFrom('webhook_endpoint_filters').where('endpoint_id', '=', id).execute()
  await db.deleteFrom('webhook_endpoints').where('tenant_id', '=', tenantId).where('id', '=', id).execute()
}

/** The tenant's enabled endpoints that want events of this type by this actor. */
export async function matchingEndpointIds(db: Kysely<Database>, tenantId: string, type: string, actor: string): Promise<string[]> {
  const rows = await db
    .selectFrom('webhook_endpoints as e')
    .select('e.id')
    .where('e.tenant_id', '=', tenantId)
    .where('e.enabled', '=', 1)
    .where(({ exists, not, selectFrom }) =>
      exists(
        selectFrom('webhook_endpoint_filters as f')
          .select('f.value')
          .whereRef('f.endpoint_id', '=', 'e.id')
          .where('f.kind', '=', 'event')
          .where('f.value', 'in', ['*', type]),
      ).and(
        not(
          exists(
            selectFrom('webhook_endpoint_filters as x')
              .select('x.value')
              .whereRef('x.endpoint_id', '=', 'e.id')
              .where('x.kind', '=', 'exclude_actor')
              .where('x.value', '=', actor),
          ),
        ),
      ),
    )
    .execute()
  return rows.map((row) => row.id)
}

async function insertFilters(db: Kysely<Database>, endpointId: string, filters: EndpointFilters): Promise<void> {
  const rows = [
    ...[...new Set(filters.events)].map((value) => ({ endpoint_id: endpointId, kind: 'event' as const, value })),
    ...[...new Set(filters.excludeActors)].map((value) => ({ endpoint_id: endpointId, kind: 'exclude_actor' as const, value })),
  ]
  if (rows.length > 0) await db.insertInto('webhook_endpoint_filters').values(rows).execute()
}

function notFound(): FirehouseError {
  return new FirehouseError('WEBHOOK_NOT_FOUND', 'Webhook not found')
}
