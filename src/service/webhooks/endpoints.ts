// Use cases of a tenant's webhook endpoints (SPEC §8): create (secret shown once), read, change, delete, rotate.

import { randomBytes } from 'node:crypto'
import { FirehouseError } from '../../domain/errors.js'
import { EVENT_TYPES, isEventType } from '../../domain/webhook-events.js'
import type { WebhookEndpoint } from '../../store/database.js'
import { failPendingDeliveries } from '../../store/webhook-deliveries.js'
import {
  deleteEndpoint as deleteEndpointRow,
  findEndpoint,
  insertEndpoint,
  listEndpoints as listEndpointRows,
  updateEndpoint as updateEndpointRow,
  type EndpointFilters,
} from '../../store/webhook-endpoints.js'
import { isoNow, type ServiceContext } from '../context.js'
import { tenantIdOf, type TenantRef } from '../tenants.js'
import { inTransaction, withDatabase } from '../transaction.js'
import { checkWebhookUrl, type UrlRules } from './url-rules.js'

/** The old secret keeps signing this long after a rotation, beside the new one. */
export const SECRET_OVERLAP_MS = 24 * 60 * 60 * 1000
const SECRET_BYTES = 32
const MAX_DESCRIPTION = 500
const MAX_EXCLUDED_ACTORS = 100
const MAX_ACTOR_LENGTH = 320

/** An endpoint as every surface shows it: never its secret. */
export interface EndpointJson {
  id: string
  url: string
  description: string | null
  events: string[]
  exclude_actors: string[]
  enabled: boolean
  /** Why Firehouse disabled it (410 Gone, 5 days of failures); null when enabled or disabled by hand. */
  disabled_reason: string | null
  created_at: string
  updated_at: string
}

export interface NewEndpointInput {
  url: string
  events: readonly string[]
  description?: string | null
  /** Replaces the default: the creating key's actor, so its own changes are not echoed back. */
  excludeActors?: readonly string[]
}

export interface EndpointPatch {
  url?: string
  events?: readonly string[]
  description?: string | null
  excludeActors?: readonly string[]
  enabled?: boolean
}

/** Creates an endpoint; the answer carries its secret, the only time it is shown. `creator`: the actor creating it. */
export async function createEndpoint(
  ctx: ServiceContext,
  ref: TenantRef,
  input: NewEndpointInput,
  creator: string | null,
  rules: UrlRules,
): Promise<EndpointJson & { secret: string }> {
  const tenantId = await tenantIdOf(ctx, ref)
  const filters = checkFilters(input.events, input.excludeActors ?? (creator ? [creator] : []))
  const url = (await checkWebhookUrl(input.url, rules)).href
  const now = isoNow(ctx)
  const row: WebhookEndpoint = {
    id: `whk_${randomBytes(12).toString('hex')}`,
    tenant_id: tenantId,
    url,
    description: checkDescription(input.description ?? null),
    events: JSON.stringify(filters.events),
    exclude_actors: JSON.stringify(filters.excludeActors),
    enabled: 1,
    disabled_reason: null,
    secret: newSecret(),
    previous_secret: null,
    previous_secret_until: null,
    created_at: now,
    updated_at: now,
    enabled_at: now,
    last_success_at: null,
  }
  await inTransaction(ctx, (trx) => insertEndpoint(trx, row, filters))
  return { ...toEndpointJson(row), secret: row.secret }
}

export async function listEndpoints(ctx: ServiceContext, ref: TenantRef): Promise<EndpointJson[]> {
  const tenantId = await tenantIdOf(ctx, ref)
  return (await withDatabase(ctx, (db) => listEndpointRows(db, tenantId))).map(toEndpointJson)
}

/** The tenant's endpoint, or 400301 (another tenant's is indistinguishable from a missing one). */
export async function getEndpoint(ctx: ServiceContext, ref: TenantRef, id: string): Promise<EndpointJson> {
  const tenantId = await tenantIdOf(ctx, ref)
  return toEndpointJson(await withDatabase(ctx, (db) => findEndpoint(db, tenantId, id)))
}

/** Changes what is given; disabling ends its pending deliveries, enabling starts the 5-day count afresh. */
export async function updateEndpoint(ctx: ServiceContext, ref: TenantRef, id: string, patch: EndpointPatch, rules: UrlRules): Promise<EndpointJson> {
  const tenantId = await tenantIdOf(ctx, ref)
  const current = await withDatabase(ctx, (db) => findEndpoint(db, tenantId, id))
  const now = isoNow(ctx)
  const filters =
    patch.events === undefined && patch.excludeActors === undefined
      ? undefined
      : checkFilters(patch.events ?? parseList(current.events), patch.excludeActors ?? parseList(current.exclude_actors))
  const url = patch.url === undefined ? undefined : (await checkWebhookUrl(patch.url, rules)).href
  const changes: Parameters<typeof updateEndpointRow>[3] = { updated_at: now }
  if (url !== undefined) changes.url = url
  if (patch.description !== undefined) changes.description = checkDescription(patch.description)
  if (filters) Object.assign(changes, { events: JSON.stringify(filters.events), exclude_actors: JSON.stringify(filters.excludeActors) })
  if (patch.enabled === true && current.enabled === 0) Object.assign(changes, { enabled: 1, enabled_at: now, disabled_reason: null })
  if (patch.enabled === false && current.enabled === 1) Object.assign(changes, { enabled: 0, disabled_reason: null })
  await inTransaction(ctx, async (trx) => {
    await updateEndpointRow(trx, tenantId, id, changes, filters)
    if (changes.enabled === 0) await failPendingDeliveries(trx, id, now)
  })
  return getEndpoint(ctx, { id: tenantId }, id)
}

export async function deleteEndpoint(ctx: ServiceContext, ref: TenantRef, id: string): Promise<void> {
  const tenantId = await tenantIdOf(ctx, ref)
  await inTransaction(ctx, (trx) => deleteEndpointRow(trx, tenantId, id))
}

/** A new secret; the old one keeps signing (a second signature) for 24 h, so receivers can switch over. */
export async function rotateSecret(ctx: ServiceContext, ref: TenantRef, id: string): Promise<{ secret: string }> {
  const tenantId = await tenantIdOf(ctx, ref)
  const secret = newSecret()
  const now = ctx.now()
  await inTransaction(ctx, async (trx) => {
    const current = await findEndpoint(trx, tenantId, id)
    await updateEndpointRow(trx, tenantId, id, {
      secret,
      previous_secret: current.secret,
      previous_secret_until: new Date(now.getTime() + SECRET_OVERLAP_MS).toISOString(),
      updated_at: now.toISOString(),
    })
  })
  return { secret }
}

export function toEndpointJson(row: WebhookEndpoint): EndpointJson {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: parseList(row.events),
    exclude_actors: parseList(row.exclude_actors),
    enabled: row.enabled === 1,
    disabled_reason: row.disabled_reason,
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}

/** `whsec_` and the base64 of 32 random bytes (Standard Webhooks' form). */
function newSecret(): string {
  return `whsec_${randomBytes(SECRET_BYTES).toString('base64')}`
}

function checkFilters(events: readonly string[], excludeActors: readonly string[]): { events: string[]; excludeActors: string[] } & EndpointFilters {
  if (events.length === 0) throw invalid(`events must name at least one of ${EVENT_TYPES.join(', ')} or be ["*"]`)
  const unknown = events.filter((type) => type !== '*' && !isEventType(type))
  if (unknown.length > 0) throw invalid(`unknown event type ${JSON.stringify(unknown[0]!.slice(0, 100))}`)
  if (excludeActors.length > MAX_EXCLUDED_ACTORS) throw invalid(`exclude_actors holds at most ${MAX_EXCLUDED_ACTORS} actors`)
  if (excludeActors.some((actor) => actor.length === 0 || actor.length > MAX_ACTOR_LENGTH)) {
    throw invalid(`an actor of exclude_actors must have 1 to ${MAX_ACTOR_LENGTH} characters`)
  }
  return { events: [...new Set(events)], excludeActors: [...new Set(excludeActors)] }
}

function checkDescription(description: string | null): string | null {
  if (description !== null && description.length > MAX_DESCRIPTION) throw invalid(`description is longer than ${MAX_DESCRIPTION} characters`)
  return description
}

function parseList(json: string): string[] {
  return JSON.parse(json) as string[]
}

function invalid(reason: string): FirehouseError {
  return new FirehouseError('INVALID_ARGUMENT', `Invalid argument: ${reason}`)
}
