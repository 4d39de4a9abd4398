// Use cases for tenants ("systems"): create, list, look up.

import { randomUUID } from 'node:crypto'
import { FirehouseError } from '../domain/errors.js'
import { isRegion, REGIONS, type Region } from '../domain/region.js'
import type { Tenant } from '../store/database.js'
import { findTenantById, findTenantBySlug, insertTenant, listTenants as listTenantRows } from '../store/tenants.js'
import { isoNow, type ServiceContext } from './context.js'
import { withDatabase } from './transaction.js'

export interface NewTenantInput {
  slug: string
  name?: string
  region: string
  extendedStatuses?: boolean
  autoOpen?: boolean
  /** Requests per second per API key of this tenant (burst twice that); absent: the server's default. */
  rateLimit?: number | null
}

const MAX_RATE_LIMIT = 1_000_000

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/

export async function createTenant(ctx: ServiceContext, input: NewTenantInput): Promise<Tenant> {
  if (!SLUG.test(input.slug)) {
    throw new FirehouseError('INVALID_ARGUMENT', 'A tenant slug is 1–63 lower-case letters, digits or dashes')
  }
  const region = checkRegion(input.region)
  const rateLimit = input.rateLimit ?? null
  if (rateLimit !== null && !(Number.isInteger(rateLimit) && rateLimit >= 0 && rateLimit <= MAX_RATE_LIMIT)) {
    throw new FirehouseError('INVALID_ARGUMENT', `A tenant's rate limit is an integer from 0 to ${MAX_RATE_LIMIT} requests per second`)
  }
  const tenant: Tenant = {
    id: randomUUID(),
    slug: input.slug,
    name: (input.name ?? input.slug).slice(0, 200),
    region,
    extended_statuses: input.extendedStatuses ? 1 : 0,
    auto_open: input.autoOpen === false ? 0 : 1,
    rate_limit: rateLimit,
    change_seq: 0,
    created_at: isoNow(ctx),
  }
  try {
    await insertTenant(ctx.store.db, tenant)
  } catch (error) {
    if (ctx.store.dialect.isUniqueViolation(error)) {
      throw new FirehouseError('INVALID_ARGUMENT', `Tenant ${input.slug} already exists`)
    }
    throw error
  }
  return tenant
}

export async function listTenants(ctx: ServiceContext): Promise<Tenant[]> {
  return listTenantRows(ctx.store.db)
}

/** A tenant as the surfaces name it: the CLI by its slug, an API caller by its id. */
export type TenantRef = string | { id: string }

/** The tenant's id: an API caller's ref carries it already, a slug costs one look-up. */
export async function tenantIdOf(ctx: ServiceContext, ref: TenantRef): Promise<string> {
  return typeof ref === 'string' ? (await getTenant(ctx, ref)).id : ref.id
}

export async function getTenant(ctx: ServiceContext, ref: TenantRef): Promise<Tenant> {
  return withDatabase(ctx, (db) => (typeof ref === 'string' ? findTenantBySlug(db, ref) : findTenantById(db, ref.id)))
}

function checkRegion(region: string): Region {
  if (!isRegion(region)) {
    throw new FirehouseError('INVALID_ARGUMENT', `Region must be one of ${REGIONS.join(', ')}`)
  }
  return region
}
