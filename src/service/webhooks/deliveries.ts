// Use cases of an endpoint's deliveries (SPEC §8): the log (newest first), redelivery, and the test ping.

import { randomBytes } from 'node:crypto'
import { FirehouseError } from '../../domain/errors.js'
import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from '../../store/database.js'
import {
  findDelivery,
  insertDeliveries,
  listAttempts,
  listDeliveries as listDeliveryRows,
  outboxBacklog,
  type DeliveryStatus,
  type NewDelivery,
} from '../../store/webhook-deliveries.js'
import { findEndpoint } from '../../store/webhook-endpoints.js'
import { isoNow, type ServiceContext } from '../context.js'
import { tenantIdOf, type TenantRef } from '../tenants.js'
import { inTransaction, withDatabase } from '../transaction.js'
import { deliveryIdPrefix, newEventId } from './outbox.js'

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const
export const MAX_DELIVERIES_PER_PAGE = 1000
const DEFAULT_DELIVERIES_PER_PAGE = 100

export interface AttemptJson {
  at: string
  http_status: number | null
  error: string | null
  duration_ms: number
  response: string | null
}

export interface DeliveryJson {
  id: string
  event_id: string
  type: string
  number_customergauge: number | null
  status: DeliveryStatus
  created_at: string
  /** When the next attempt is due; null once the delivery ended. */
  next_attempt_at: string | null
  attempts: AttemptJson[]
}

export interface DeliveryPage {
  data: DeliveryJson[]
  next_cursor: string
  end_of_stream: boolean
}

/** A newly queued delivery: its id and its event's. */
export interface QueuedDelivery {
  id: string
  event_id: string
}

export async function listDeliveries(
  ctx: ServiceContext,
  ref: TenantRef,
  endpointId: string,
  query: { status?: string; perPage?: number; cursor?: string },
): Promise<DeliveryPage> {
  const tenantId = await tenantIdOf(ctx, ref)
  const perPage = query.perPage ?? DEFAULT_DELIVERIES_PER_PAGE
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_DELIVERIES_PER_PAGE) throw invalid(`per_page must be an integer from 1 to ${MAX_DELIVERIES_PER_PAGE}`)
  const status = query.status
  if (status !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(status)) throw invalid(`status must be one of ${DELIVERY_STATUSES.join(', ')}`)
  const before = query.cursor === undefined ? undefined : parseCursor(query.cursor)
  return withDatabase(ctx, async (db) => {
    await findEndpoint(db, tenantId, endpointId)
    const rows = await listDeliveryRows(db, tenantId, endpointId, { status: status as DeliveryStatus | undefined, before, limit: perPage + 1 })
    const page = rows.slice(0, perPage)
    const attempts = await listAttempts(db, page.map((row) => row.id))
    const last = page.at(-1)
    return {
      data: page.map((row) => toDeliveryJson(row, attempts.get(row.id) ?? [])),
      next_cursor: last ? cursorOf(last) : (query.cursor ?? cursorOf(null)),
      end_of_stream: rows.length <= perPage,
    }
  })
}

/** The same event (same id) as a new delivery, due at once; the endpoint must be enabled (else 300001). */
export async function redeliver(ctx: ServiceContext, ref: TenantRef, endpointId: string, deliveryId: string): Promise<QueuedDelivery> {
  const tenantId = await tenantIdOf(ctx, ref)
  const queued = await inTransaction(ctx, async (trx) => {
    const endpoint = enabledOrThrow(await findEndpoint(trx, tenantId, endpointId))
    const original = await findDelivery(trx, tenantId, endpointId, deliveryId)
    const now = isoNow(ctx)
    const row: NewDelivery = {
      ...pick(original),
      id: `dlv_${randomBytes(12).toString('hex')}_${endpoint.id.slice(4)}`,
      status: 'pending',
      attempt_count: 0,
      next_attempt_at: now,
      created_at: now,
    }
    await insertDeliveries(trx, [row])
    return { id: row.id, event_id: row.event_id }
  })
  ctx.outbox.notify()
  return queued
}

/** Queues a `ping` for the endpoint now, whatever its event types and excluded actors. */
export async function pingEndpoint(ctx: ServiceContext, ref: TenantRef, endpointId: string): Promise<QueuedDelivery> {
  const tenantId = await tenantIdOf(ctx, ref)
  const queued = await inTransaction(ctx, async (trx) => {
    const endpoint = enabledOrThrow(await findEndpoint(trx, tenantId, endpointId))
    const now = isoNow(ctx)
    const eventId = newEventId()
    const row: NewDelivery = {
      id: deliveryIdPrefix(eventId) + endpoint.id.slice(4),
      tenant_id: tenantId,
      endpoint_id: endpoint.id,
      event_id: eventId,
      event_type: 'ping',
      number_customergauge: null,
      entry_seq: 0,
      event_at: now,
      payload: '{}',
      status: 'pending',
      attempt_count: 0,
      next_attempt_at: now,
      created_at: now,
    }
    await insertDeliveries(trx, [row])
    return { id: row.id, event_id: eventId }
  })
  ctx.outbox.notify()
  return queued
}

function pick(row: WebhookDelivery): Pick<NewDelivery, 'tenant_id' | 'endpoint_id' | 'event_id' | 'event_type' | 'number_customergauge' | 'entry_seq' | 'event_at' | 'payload'> {
  const { tenant_id, endpoint_id, event_id, event_type, number_customergauge, entry_seq, event_at, payload } = row
  return { tenant_id, endpoint_id, event_id, event_type, number_customergauge, entry_seq, event_at, payload }
}

function enabledOrThrow(endpoint: WebhookEndpoint): WebhookEndpoint {
  if (endpoint.enabled !== 1) throw invalid('the webhook is disabled: enable it first')
  return endpoint
}

function toDeliveryJson(row: WebhookDelivery, attempts: readonly WebhookAttempt[]): DeliveryJson {
  return {
    id: row.id,
    event_id: row.event_id,
    type: row.event_type,
    number_customergauge: row.number_customergauge,
    status: row.status,
    created_at: row.created_at,
    next_attempt_at: row.status === 'pending' ? row.next_attempt_at : null,
    attempts: attempts.map(({ at, http_status, error, duration_ms, response }) => ({ at, http_status, error, duration_ms, response })),
  }
}

// The cursor is a position in the log (created_at, id), base64url; an empty log's is "start".
const CURSOR_PREFIX = 'd1.'

function cursorOf(row: Pick<WebhookDelivery, 'created_at' | 'id'> | null): string {
  return row ? CURSOR_PREFIX + Buffer.from(JSON.stringify([row.created_at, row.id])).toString('base64url') : `${CURSOR_PREFIX}start`
}

function parseCursor(cursor: string): { createdAt: string; id: string } | undefined {
  if (cursor === `${CURSOR_PREFIX}start`) return undefined
  const fail = () => invalid('cursor is not one of ours')
  if (!cursor.startsWith(CURSOR_PREFIX) || !/^[A-Za-z0-9_-]{1,400}$/.test(cursor.slice(CURSOR_PREFIX.length))) throw fail()
  let position: unknown
  try {
    position = JSON.parse(Buffer.from(cursor.slice(CURSOR_PREFIX.length), 'base64url').toString('utf8'))
  } catch {
    throw fail()
  }
  if (!Array.isArray(position) || position.length !== 2) throw fail()
  const [createdAt, id] = position as unknown[]
  if (typeof createdAt !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(createdAt) || typeof id !== 'string' || !/^dlv_[0-9a-f_]{1,100}$/.test(id)) throw fail()
  return { createdAt, id }
}

function invalid(reason: string): FirehouseError {
  return new FirehouseError('INVALID_ARGUMENT', `Invalid argument: ${reason}`)
}

/** Pending deliveries of every tenant and the age of the oldest, in seconds (0 when none): for /metrics. */
export async function deliveryBacklog(ctx: ServiceContext): Promise<{ pending: number; oldestAgeS: number }> {
  const { pending, oldest } = await withDatabase(ctx, (db) => outboxBacklog(db))
  return { pending, oldestAgeS: oldest === null ? 0 : Math.max(0, (ctx.now().getTime() - Date.parse(oldest)) / 1000) }
}
