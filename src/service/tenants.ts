// Use cases for tenants ("systems"): create, list, look up.

import { randomBytes } from 'node:crypto'
import { FirehouseError } from '../domain/errors.js'
import { isRegion, REGIONS, type Region } from '../domain/region.js'
import { DEFAULT_SLA_TARGETS, type SlaTargets } from '../domain/sla.js'
import { DEFAULT_RULES, NO_AUTO_OPEN } from '../domain/workflow-rules.js'
import type { Tenant } from '../store/database.js'
import { findTenantById, findTenantBySlug, findTenantBySlugOrNull, insertTenant, rowOfRules, listTenants as listTenantRows, updateExtendedStatuses, updateSlaTargets } from '../store/tenants.js'
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

/**
 * A new tenant's id: 12 hex digits (48 random bits). The id is the first column of every key of
 * the records, cases and history tables and of their indexes, so its length is paid on every
 * write: with a 36-character UUID, SQLite's share of a v4.1 change cost ~25 % more CPU and 14 %
 * more WAL pages (docs/decisions.md, "Short tenant ids"). Tenants created before keep theirs.
 */
export function newTenantId(): string {
  return randomBytes(6).toString('hex')
}

/** Ids drawn for one new tenant before giving up: two tenants drawing the same one is already unlikely. */
const ID_ATTEMPTS = 3

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/

/** Creates a tenant; `drawId` gives its id (a test may give taken ones). */
export async function createTenant(ctx: ServiceContext, input: NewTenantInput, drawId: () => string = newTenantId): Promise<Tenant> {
  if (!SLUG.test(input.slug)) {
    throw new FirehouseError('INVALID_ARGUMENT', 'A tenant slug is 1–63 lower-case letters, digits or dashes')
  }
  const region = checkRegion(input.region)
  const rateLimit = input.rateLimit ?? null
  if (rateLimit !== null && !(Number.isInteger(rateLimit) && rateLimit >= 0 && rateLimit <= MAX_RATE_LIMIT)) {
    throw new FirehouseError('INVALID_ARGUMENT', `A tenant's rate limit is an integer from 0 to ${MAX_RATE_LIMIT} requests per second`)
  }
  const tenant: Tenant = {
    id: drawId(),
    slug: input.slug,
    name: (input.name ?? input.slug).slice(0, 200),
    region,
    extended_statuses: input.extendedStatuses ? 1 : 0,
    // Rules off, as v4.1 is; imports open detractors' cases unless told not to (SPEC §9).
    ...rowOfRules({ ...DEFAULT_RULES, autoOpen: input.autoOpen === false ? NO_AUTO_OPEN : DEFAULT_RULES.autoOpen }),
    rate_limit: rateLimit,
    change_seq: 0,
    created_at: isoNow(ctx),
    sla_follow_up_hours: DEFAULT_SLA_TARGETS.followUpHours,
    sla_close_hours: DEFAULT_SLA_TARGETS.closeHours,
  }
  for (let attempt = 1; ; attempt++) {
    try {
      await insertTenant(ctx.store.db, tenant)
      return tenant
    } catch (error) {
      if (!ctx.store.dialect.isUniqueViolation(error)) throw error
      if (await findTenantBySlugOrNull(ctx.store.db, input.slug)) {
        throw new FirehouseError('INVALID_ARGUMENT', `Tenant ${input.slug} already exists`)
      }
      // The slug is free, so the id was taken: draw another.
      if (attempt === ID_ATTEMPTS) throw error
      tenant.id = drawId()
    }
  }
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

/** The most an SLA target may be: a year, in hours. */
const MAX_SLA_HOURS = 24 * 366

export function slaTargetsOf(tenant: Tenant): SlaTargets {
  return { followUpHours: tenant.sla_follow_up_hours, closeHours: tenant.sla_close_hours }
}

/** Sets the targets the board's SLA badges measure against: whole hours, 1 hour to a year. */
export async function setSlaTargets(ctx: ServiceContext, ref: TenantRef, targets: SlaTargets): Promise<void> {
  for (const hours of [targets.followUpHours, targets.closeHours]) {
    if (!Number.isInteger(hours) || hours < 1 || hours > MAX_SLA_HOURS) {
      throw new FirehouseError('INVALID_ARGUMENT', `An SLA target is a whole number of hours from 1 to ${MAX_SLA_HOURS}`)
    }
  }
  const tenantId = await tenantIdOf(ctx, ref)
  await withDatabase(ctx, (db) => updateSlaTargets(db, tenantId, targets))
}

/** Switches the tenant's extended status set on or off; the table itself stays as it is. */
export async function setExtendedStatuses(ctx: ServiceContext, ref: TenantRef, enabled: boolean): Promise<void> {
  const tenantId = await tenantIdOf(ctx, ref)
  await withDatabase(ctx, (db) => updateExtendedStatuses(db, tenantId, enabled))
}

/** The slug of the only tenant of this region, or null when there are none or several (sign-in pre-fills it). */
export async function soleTenantSlug(ctx: ServiceContext, region?: string): Promise<string | null> {
  const tenants = (await listTenants(ctx)).filter((tenant) => region === undefined || tenant.region === region)
  return tenants.length === 1 ? tenants[0]!.slug : null
}
