// The outbox: deliveries written with the change that caused them, claimed under a lease, and their attempts.

import { sql, type ExpressionBuilder, type Kysely } from 'kysely'
import { FirehouseError } from '../domain/errors.js'
import { chunks } from './chunks.js'
import { compiledOnce, compiledOncePerRowCount } from './compiled-once.js'
import type { Database, WebhookAttempt, WebhookDelivery } from './database.js'

/** One event of one case, as the write that causes it hands it to the outbox. */
export type OutboxEvent = {
  tenantId: string
  eventId: string
  /** Prefix of the ids of its deliveries; each endpoint's id completes one. */
  deliveryIdPrefix: string
  type: string
  cgid: number
  entrySeq: number
  eventAt: string
  actor: string
  payload: string
  now: string
}

const OUTBOX_EVENT = {
  tenantId: true,
  eventId: true,
  deliveryIdPrefix: true,
  type: true,
  cgid: true,
  entrySeq: true,
  eventAt: true,
  actor: true,
  payload: true,
  now: true,
} as const

export const DELIVERY_COLUMNS = [
  'id',
  'tenant_id',
  'endpoint_id',
  'event_id',
  'event_type',
  'number_customergauge',
  'entry_seq',
  'event_at',
  'payload',
  'status',
  'attempt_count',
  'next_attempt_at',
  'created_at',
] as const

/**
 * The deliveries of one event, one per enabled endpoint of the tenant that wants its type and does
 * not exclude its actor, as the rows of a SELECT: an INSERT of it writes them. Parameters are cast,
 * as PostgreSQL cannot type a bare parameter in a select list.
 */
export function eventDeliveryRows<DB extends Database, From extends keyof DB & string>(
  eb: ExpressionBuilder<DB, From>,
  event: OutboxEvent,
) {
  const text = (value: string) => sql<string>`cast(${value} as text)`
  const e = eb as unknown as ExpressionBuilder<Database, never>
  return e
    .selectFrom('webhook_endpoints as e')
    .select([
      sql<string>`cast(${event.deliveryIdPrefix} as text) || substr(e.id, 5)`.as('id'),
      'e.tenant_id',
      'e.id as endpoint_id',
      text(event.eventId).as('event_id'),
      text(event.type).as('event_type'),
      sql<number>`cast(${event.cgid} as bigint)`.as('number_customergauge'),
      sql<number>`cast(${event.entrySeq} as integer)`.as('entry_seq'),
      text(event.eventAt).as('event_at'),
      text(event.payload).as('payload'),
      sql<'pending'>`'pending'`.as('status'),
      sql<number>`0`.as('attempt_count'),
      text(event.now).as('next_attempt_at'),
      text(event.now).as('created_at'),
    ])
    .where('e.tenant_id', '=', event.tenantId)
    .where('e.enabled', '=', 1)
    .where(({ exists, not, selectFrom }) =>
      exists(
        selectFrom('webhook_endpoint_filters as f')
          .select('f.value')
          .whereRef('f.endpoint_id', '=', 'e.id')
          .where('f.kind', '=', 'event')
          .where((w) => w.or([w('f.value', '=', '*'), w('f.value', '=', text(event.type))])),
      ).and(
        not(
          exists(
            selectFrom('webhook_endpoint_filters as x')
              .select('x.value')
              .whereRef('x.endpoint_id', '=', 'e.id')
              .where('x.kind', '=', 'exclude_actor')
              .where('x.value', '=', text(event.actor)),
          ),
        ),
      ),
    )
}

/**
 * Queues one event for every endpoint that wants it, in the caller's transaction (or savepoint):
 * the event commits with the change, or neither does. Returns how many deliveries it queued.
 */
export async function queueEvent(db: Kysely<Database>, event: OutboxEvent): Promise<number> {
  return (await insertEventDeliveries(db, event)).length
}

const insertEventDeliveries = compiledOnce(OUTBOX_EVENT, (db, event: OutboxEvent) =>
  db
    .insertInto('webhook_deliveries')
    .columns([...DELIVERY_COLUMNS])
    .expression((eb) => eventDeliveryRows(eb, event))
    .returning('id'),
)

export type NewDelivery = Pick<WebhookDelivery, (typeof DELIVERY_COLUMNS)[number]>

/** Inserts deliveries built by the caller (an import's events, a ping, a redelivery). */
export async function insertDeliveries(db: Kysely<Database>, rows: readonly NewDelivery[]): Promise<void> {
  // 13 columns × 1,000 rows stays under SQLite's 32,766 parameters per statement.
  for (const chunk of chunks(rows, 1_000)) await insertDeliveryRows(db, chunk)
}

const insertDeliveryRows = compiledOncePerRowCount(
  Object.fromEntries(DELIVERY_COLUMNS.map((column) => [column, true])) as { [Column in (typeof DELIVERY_COLUMNS)[number]]: true },
  (db, rows: NewDelivery[]) => db.insertInto('webhook_deliveries').values(rows),
)

/** A delivery as the dispatcher attempts it: with its endpoint's address, secrets and tenant. */
export interface ClaimedDelivery extends WebhookDelivery {
  url: string
  enabled: number
  secret: string
  previous_secret: string | null
  previous_secret_until: string | null
  tenant_slug: string
}

export interface Claim {
  owner: string
  now: string
  leaseUntil: string
  limit: number
}

/**
 * Up to `limit` deliveries that may be claimed now: pending, due, not leased by a live claim, and
 * the earliest pending event of their case for their endpoint (by the entry's seq, the order the
 * case's changes committed in; a delivery waiting for a retry holds the later ones). A read only,
 * so that an idle poll writes nothing; takeClaims then claims them.
 */
export async function findClaimable(db: Kysely<Database>, claim: Claim): Promise<string[]> {
  const candidates = await db
    .selectFrom('webhook_deliveries as d')
    .select('d.id')
    .where('d.status', '=', 'pending')
    .where('d.next_attempt_at', '<=', claim.now)
    .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<', claim.now)]))
    .where(({ exists, not, selectFrom }) =>
      not(
        exists(
          selectFrom('webhook_deliveries as p')
            .select('p.id')
            .where('p.status', '=', 'pending')
            .whereRef('p.endpoint_id', '=', 'd.endpoint_id')
            .whereRef('p.number_customergauge', '=', 'd.number_customergauge')
            .whereRef('p.entry_seq', '<', 'd.entry_seq'),
        ),
      ),
    )
    .orderBy('d.next_attempt_at')
    .limit(claim.limit)
    .execute()
  return candidates.map((candidate) => candidate.id)
}

/**
 * Claims these deliveries for `claim.owner` until `claim.leaseUntil` where they are still pending
 * and unleased: a conditional update, which one process alone wins, on either database. Returns
 * the deliveries it claimed, with what sending them needs.
 */
export async function takeClaims(db: Kysely<Database>, ids: readonly string[], claim: Claim): Promise<ClaimedDelivery[]> {
  if (ids.length === 0) return []
  const claimed = await db
    .updateTable('webhook_deliveries')
    .set({ lease_owner: claim.owner, lease_until: claim.leaseUntil })
    .where('id', 'in', [...ids])
    .where('status', '=', 'pending')
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', claim.now)]))
    .returning('id')
    .execute()
  if (claimed.length === 0) return []
  return db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .innerJoin('tenants as t', 't.id', 'd.tenant_id')
    .selectAll('d')
    .select(['e.url', 'e.enabled', 'e.secret', 'e.previous_secret', 'e.previous_secret_until', 't.slug as tenant_slug'])
    .where(
      'd.id',
      'in',
      claimed.map((row) => row.id),
    )
    .where('d.lease_owner', '=', claim.owner)
    .execute()
}

/** What became of one attempt, and of its delivery. */
export interface AttemptOutcome {
  deliveryId: string
  owner: string
  attempt: Omit<WebhookAttempt, 'delivery_id' | 'n'>
  /** 'pending' with the next attempt's time, or the delivery's final state. */
  next: { status: 'pending'; at: string } | { status: 'succeeded' | 'failed'; at: string }
}

/**
 * Logs an attempt and moves its delivery on, if `owner` still holds the lease (else the attempt
 * is forgotten: another process took the delivery over and will attempt it again). Returns whether
 * it was recorded, and the delivery's attempt number.
 */
export async function recordAttempt(db: Kysely<Database>, outcome: AttemptOutcome): Promise<number | null> {
  const finished = outcome.next.status !== 'pending'
  const [row] = await db
    .updateTable('webhook_deliveries')
    .set((eb) => ({
      attempt_count: eb('attempt_count', '+', 1),
      status: outcome.next.status,
      next_attempt_at: outcome.next.at,
      finished_at: finished ? outcome.next.at : null,
      lease_owner: null,
      lease_until: null,
    }))
    .where('id', '=', outcome.deliveryId)
    .where('lease_owner', '=', outcome.owner)
    .where('status', '=', 'pending')
    .returning('attempt_count')
    .execute()
  if (!row) return null
  await db
    .insertInto('webhook_attempts')
    .values({ delivery_id: outcome.deliveryId, n: row.attempt_count, ...outcome.attempt })
    .execute()
  return row.attempt_count
}

/** Ends the pending deliveries of an endpoint that was disabled: it is sent nothing more. */
export async function failPendingDeliveries(db: Kysely<Database>, endpointId: string, at: string): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', finished_at: at, lease_owner: null, lease_until: null })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .execute()
}

export type DeliveryStatus = WebhookDelivery['status']

/** A page of an endpoint's deliveries, newest first, before a (created_at, id) position. */
export async function listDeliveries(
  db: Kysely<Database>,
  tenantId: string,
  endpointId: string,
  query: { status?: DeliveryStatus; before?: { createdAt: string; id: string }; limit: number },
): Promise<WebhookDelivery[]> {
  let select = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('endpoint_id', '=', endpointId)
  if (query.status !== undefined) select = select.where('status', '=', query.status)
  const before = query.before
  if (before) {
    select = select.where((eb) =>
      eb.or([eb('created_at', '<', before.createdAt), eb.and([eb('created_at', '=', before.createdAt), eb('id', '<', before.id)])]),
    )
  }
  return select.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(query.limit).execute()
}

/** The attempts of these deliveries, each delivery's in order. */
export async function listAttempts(db: Kysely<Database>, deliveryIds: readonly string[]): Promise<Map<string, WebhookAttempt[]>> {
  const byDelivery = new Map<string, WebhookAttempt[]>(deliveryIds.map((id) => [id, []]))
  for (const chunk of chunks(deliveryIds, 500)) {
    const rows = await db.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', chunk).orderBy('delivery_id').orderBy('n').execute()
    for (const row of rows) byDelivery.get(row.delivery_id)?.push(row)
  }
  return byDelivery
}

/** One delivery of the tenant's endpoint, or 400301. */
export async function findDelivery(db: Kysely<Database>, tenantId: string, endpointId: string, id: string): Promise<WebhookDelivery> {
  return db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('endpoint_id', '=', endpointId)
    .where('id', '=', id)
    .executeTakeFirstOrThrow(() => new FirehouseError('WEBHOOK_NOT_FOUND', 'Delivery not found'))
}

/** Deletes attempts made before `cutoff`, and deliveries that ended before it. */
export async function pruneDeliveryLog(db: Kysely<Database>, cutoff: string): Promise<void> {
  await db.deleteFrom('webhook_attempts').where('at', '<', cutoff).execute()
  const ended = db.selectFrom('webhook_deliveries').select('id').where('status', '!=', 'pending').where('finished_at', '<', cutoff)
  await db.deleteFrom('webhook_attempts').where('delivery_id', 'in', ended).execute()
  await db.deleteFrom('webhook_deliveries').where('status', '!=', 'pending').where('finished_at', '<', cutoff).execute()
}

/** Pending deliveries of every tenant, and when the oldest was queued (null: none). */
export async function outboxBacklog(db: Kysely<Database>): Promise<{ pending: number; oldest: string | null }> {
  const row = await db
    .selectFrom('webhook_deliveries')
    .select((eb) => [eb.fn.countAll<number>().as('pending'), eb.fn.min('created_at').as('oldest')])
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow()
  return { pending: Number(row.pending), oldest: (row.oldest as string | null) ?? null }
}
