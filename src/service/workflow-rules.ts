// Use cases for a tenant's workflow rules (SPEC §9): read them, change them (admins only), in the
// wire shape every surface shows. Writes read the rules themselves, in their own statement.

import { FirehouseError } from '../domain/errors.js'
import { applyRulesUpdate, type RulesUpdate, type WorkflowRules } from '../domain/workflow-rules.js'
import type { Tenant } from '../store/database.js'
import { nextChangeSeq, rulesOfRow, updateWorkflowRules } from '../store/tenants.js'
import type { ServiceContext } from './context.js'
import { getTenant, tenantIdOf, type TenantRef } from './tenants.js'
import { inTransaction } from './transaction.js'

/** The rules as GET /api/v1/settings/workflow answers them and PUT takes them (SPEC §9). */
export interface WorkflowRulesJson {
  progressive: boolean
  comment_on_status_change: boolean
  comment_on_reassign: boolean
  auto_open: { nps_min: number | null; nps_max: number | null; field: string | null }
}

/** A PUT's body: any part of the rules, auto_open's parts one by one. */
export type WorkflowRulesUpdateJson = Partial<Omit<WorkflowRulesJson, 'auto_open'>> & {
  auto_open?: Partial<WorkflowRulesJson['auto_open']>
}

export async function getWorkflowRules(ctx: ServiceContext, ref: TenantRef): Promise<WorkflowRules> {
  return rulesOfRow(await getTenant(ctx, ref))
}

/**
 * Changes some of the tenant's rules and returns them all. `admin`: whether the caller may (an
 * admin key, an admin on the board, the operator's shell); anyone else gets 200001. The tenant's
 * row is locked first, so two changes at once both count.
 */
export async function setWorkflowRules(ctx: ServiceContext, ref: TenantRef, update: RulesUpdate, admin: boolean): Promise<WorkflowRules> {
  requireRulesAdmin(admin)
  const tenantId = await tenantIdOf(ctx, ref)
  return inTransaction(ctx, async (trx) => {
    const { rules: current } = await nextChangeSeq(trx, tenantId, 0)
    const next = applyRulesUpdate(current, update)
    await updateWorkflowRules(trx, tenantId, next)
    return next
  })
}

/** 200001 unless the caller may change the rules; a surface calls it before it reads the change, too. */
export function requireRulesAdmin(admin: boolean): void {
  if (!admin) throw new FirehouseError('FORBIDDEN', 'Only an admin key or an admin may change the workflow rules')
}

export function rulesToJson(rules: WorkflowRules): WorkflowRulesJson {
  return {
    progressive: rules.progressive,
    comment_on_status_change: rules.commentOnStatusChange,
    comment_on_reassign: rules.commentOnReassign,
    auto_open: { nps_min: rules.autoOpen.npsMin, nps_max: rules.autoOpen.npsMax, field: rules.autoOpen.field },
  }
}

export function rulesUpdateFromJson(json: WorkflowRulesUpdateJson): RulesUpdate {
  const autoOpen = json.auto_open
  return {
    progressive: json.progressive,
    commentOnStatusChange: json.comment_on_status_change,
    commentOnReassign: json.comment_on_reassign,
    autoOpen: autoOpen && { npsMin: autoOpen.nps_min, npsMax: autoOpen.nps_max, field: autoOpen.field },
  }
}

/** Whether imports open cases for this tenant at all (the tenant list's `auto_open` column). */
export function autoOpens(tenant: Tenant): boolean {
  const { autoOpen } = rulesOfRow(tenant)
  return autoOpen.npsMin !== null || autoOpen.field !== null
}
