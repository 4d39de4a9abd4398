// Queries on tenants.

import type { Kysely } from 'kysely'
import { FirehouseError } from '../domain/errors.js'
import type { WorkflowRules } from '../domain/workflow-rules.js'
import { compiledOnce } from './compiled-once.js'
import type { Database, NewTenant, Tenant } from './database.js'

/** The tenant's columns that hold its workflow rules: every write reads them in its own statement. */
export const RULE_COLUMNS = [
  'rule_progressive',
  'rule_comment_on_status_change',
  'rule_comment_on_reassign',
  'auto_open_nps_min',
  'auto_open_nps_max',
  'auto_open_field',
] as const satisfies readonly (keyof Tenant)[]

export type RuleColumns = Pick<Tenant, (typeof RULE_COLUMNS)[number]>

/** The rules as stored, in the domain's words. */
export function rulesOfRow(row: RuleColumns): WorkflowRules {
  return {
    progressive: row.rule_progressive === 1,
    commentOnStatusChange: row.rule_comment_on_status_change === 1,
    commentOnReassign: row.rule_comment_on_reassign === 1,
    autoOpen: { npsMin: row.auto_open_nps_min, npsMax: row.auto_open_nps_max, field: row.auto_open_field },
  }
}

export function rowOfRules(rules: WorkflowRules): RuleColumns {
  return {
    rule_progressive: rules.progressive ? 1 : 0,
    rule_comment_on_status_change: rules.commentOnStatusChange ? 1 : 0,
    rule_comment_on_reassign: rules.commentOnReassign ? 1 : 0,
    auto_open_nps_min: rules.autoOpen.npsMin,
    auto_open_nps_max: rules.autoOpen.npsMax,
    auto_open_field: rules.autoOpen.field,
  }
}

export async function insertTenant(db: Kysely<Database>, tenant: NewTenant): Promise<void> {
  await db.insertInto('tenants').values(tenant).execute()
}

export async function findTenantBySlug(db: Kysely<Database>, slug: string): Promise<Tenant> {
  return db
    .selectFrom('tenants')
    .selectAll()
    .where('slug', '=', slug)
    .executeTakeFirstOrThrow(() => new FirehouseError('INVALID_ARGUMENT', `Unknown tenant: ${slug}`))
}

export async function findTenantBySlugOrNull(db: Kysely<Database>, slug: string): Promise<Tenant | null> {
  return (await db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst()) ?? null
}

export async function findTenantById(db: Kysely<Database>, tenantId: string): Promise<Tenant> {
  return db
    .selectFrom('tenants')
    .selectAll()
    .where('id', '=', tenantId)
    .executeTakeFirstOrThrow(() => new FirehouseError('INVALID_ARGUMENT', 'Unknown tenant'))
}

export async function listTenants(db: Kysely<Database>): Promise<Tenant[]> {
  return db.selectFrom('tenants').selectAll().orderBy('slug').execute()
}

export async function countTenants(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('tenants')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow()
  return row.count
}

/** The tenant's change sequence after a bump, and what the same statement read of the tenant. */
export interface ChangeTicket {
  /** The new (highest) value of the sequence. */
  changeSeq: number
  /** Whether the tenant uses its own extended status set. */
  extendedStatuses: boolean
  /** The tenant's workflow rules as they are at this write (never from a cache: they change at run time). */
  rules: WorkflowRules
  /** Whether the tenant has an enabled webhook endpoint at this write: without one no event is built. */
  hasWebhookEndpoints: boolean
}

/**
 * Advances the tenant's change sequence by `count`. As the first write of a transaction it also
 * takes the write lock, so the tenant's changes commit in sequence order. It returns the flags a
 * write needs as well, so that the hot path does not read the tenant a second time.
 */
export async function nextChangeSeq(db: Kysely<Database>, tenantId: string, count = 1): Promise<ChangeTicket> {
  const [row] = await bumpChangeSeq(db, { tenantId, count })
  if (!row) throw new FirehouseError('INVALID_ARGUMENT', 'Unknown tenant')
  return {
    changeSeq: row.change_seq,
    extendedStatuses: row.extended_statuses === 1,
    rules: rulesOfRow(row),
    // SQLite answers 0 or 1, PostgreSQL a boolean.
    hasWebhookEndpoints: Boolean(row.has_webhook_endpoints),
  }
}

const bumpChangeSeq = compiledOnce({ tenantId: true, count: true }, (db, bump: { tenantId: string; count: number }) =>
  db
    .updateTable('tenants')
    .set((eb) => ({ change_seq: eb('change_seq', '+', bump.count) }))
    .where('id', '=', bump.tenantId)
    .returning((eb) => [
      'change_seq',
      'extended_statuses',
      ...RULE_COLUMNS,
      eb
        .exists(eb.selectFrom('webhook_endpoints').select('webhook_endpoints.id').whereRef('webhook_endpoints.tenant_id', '=', 'tenants.id').where('webhook_endpoints.enabled', '=', 1))
        .as('has_webhook_endpoints'),
    ]),
)

export async function updateSlaTargets(
  db: Kysely<Database>,
  tenantId: string,
  targets: { followUpHours: number; closeHours: number },
): Promise<void> {
  await db
    .updateTable('tenants')
    .set({ sla_follow_up_hours: targets.followUpHours, sla_close_hours: targets.closeHours })
    .where('id', '=', tenantId)
    .execute()
}

/** Stores the tenant's workflow rules, whole. */
export async function updateWorkflowRules(db: Kysely<Database>, tenantId: string, rules: WorkflowRules): Promise<void> {
  await db.updateTable('tenants').set(rowOfRules(rules)).where('id', '=', tenantId).execute()
}

/** Turns the tenant's extended status set on or off (its rows are kept either way). */
export async function updateExtendedStatuses(db: Kysely<Database>, tenantId: string, enabled: boolean): Promise<void> {
  await db
    .updateTable('tenants')
    .set({ extended_statuses: enabled ? 1 : 0 })
    .where('id', '=', tenantId)
    .execute()
}

/** The tenant's change sequence as it stands: the board polls it to know when to refresh. */
export async function readChangeSeq(db: Kysely<Database>, tenantId: string): Promise<number> {
  const row = await db.selectFrom('tenants').select('change_seq').where('id', '=', tenantId).executeTakeFirst()
  return row?.change_seq ?? 0
}
