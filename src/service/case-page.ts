// Use cases of the board's case page (SPEC §7): everything the page shows, and saving its form.

import { FirehouseError } from '../domain/errors.js'
import { PHASES, type Phase } from '../domain/status.js'
import { parseWorkflowInput } from '../domain/workflow-input.js'
import { listStatuses } from '../store/statuses.js'
import { findTenantById } from '../store/tenants.js'
import { showCase, type CaseJson } from './case-view.js'
import type { ServiceContext } from './context.js'
import { showRecord, type RecordJson } from './record-view.js'
import { slaTargetsOf } from './tenants.js'
import { withDatabase } from './transaction.js'
import { updateCase } from './update-workflow.js'
import { listUsers, type UserInfo } from './users.js'
import { listOAuthApps } from './oauth-apps.js'
import { listApiKeys } from './api-keys.js'
import type { SlaTargets } from '../domain/sla.js'

export interface StatusChoice {
  /** What the form sends: an extended code, or a phase. */
  value: string
  label: string
}

export interface CasePageData {
  record: RecordJson
  case: CaseJson
  /** The case's number of history entries (0 before it exists): what the form's save is based on. */
  version: number
  statusChoices: StatusChoice[]
  /** Active users, the choices of `Assigned to`. */
  users: UserInfo[]
  targets: SlaTargets
  /** The tenant's change sequence when read, for the live refresh. */
  seq: number
  /** What a person calls each actor of the timeline (`key:<id>` → the key's label, `app:<client_id>` → the app's name, `user:<email>` → the name). */
  actorNames: Record<string, string>
}

export interface Person {
  tenantId: string
  tenantSlug: string
  email: string
}

const PHASE_CHOICE_LABELS: Record<Phase, string> = { OPEN: 'Open', PROGRESS: 'In progress', CLOSED: 'Closed' }

export async function loadCasePage(ctx: ServiceContext, person: Person, cgid: number): Promise<CasePageData> {
  const tenant = { id: person.tenantId }
  // The tenant's row, change sequence included, is read before the case, so that a change landing
  // in between is seen by the next poll.
  const row = await withDatabase(ctx, (db) => findTenantById(db, person.tenantId))
  const record = await showRecord(ctx, tenant, cgid)
  const shown = await showCase(ctx, tenant, cgid)
  const extended = row.extended_statuses === 1 ? await withDatabase(ctx, (db) => listStatuses(db, person.tenantId)) : []
  const statusChoices = choicesOf(extended)
  const targets = slaTargetsOf(row)
  const seq = row.change_seq
  const everyone = await listUsers(ctx, person.tenantSlug)
  const users = everyone.filter((user) => user.active)
  const actorNames = await namesOfActors(ctx, person.tenantSlug, everyone)
  return { record, case: shown, version: shown.version, statusChoices, users, targets, seq, actorNames }
}

async function namesOfActors(ctx: ServiceContext, tenantSlug: string, users: readonly UserInfo[]): Promise<Record<string, string>> {
  const names: Record<string, string> = {}
  for (const key of await listApiKeys(ctx, tenantSlug)) names[`key:${key.id}`] = `API key “${key.label ?? key.prefix}”`
  for (const app of await listOAuthApps(ctx, tenantSlug)) names[`app:${app.client_id}`] = `App “${app.name}”`
  for (const user of users) if (user.name) names[`user:${user.email}`] = user.name
  return names
}

/** The tenant's extended codes, and each phase that has none (a case can still take the phase itself). */
function choicesOf(extended: readonly { code: number; label: string; phase: Phase }[]): StatusChoice[] {
  const codes = extended.map((status) => ({ value: String(status.code), label: `${status.label} (${PHASE_CHOICE_LABELS[status.phase]})` }))
  const bare = PHASES.filter((phase) => !extended.some((status) => status.phase === phase))
  return [...codes, ...bare.map((phase) => ({ value: phase, label: PHASE_CHOICE_LABELS[phase] }))]
}

/** The value of the status select that stands for the case's current status. */
export function currentStatusValue(shown: CaseJson): string {
  if (shown.status === null) return ''
  return shown.status_code === null ? shown.status : String(shown.status_code)
}

export interface CaseForm {
  status: string
  /** An e-mail, or '' for unassigned. */
  assignedTo: string
  comment: string
  version: number
}

/**
 * Saves the form through the same service function as v4.1, as `user:<email>`. Fields left as
 * they were are not sent as changes; unassigned clears the assignee; a case that moved since
 * `version` is not overwritten (400206). A form that changes nothing writes nothing (300004).
 */
export async function saveCaseForm(ctx: ServiceContext, person: Person, cgid: number, form: CaseForm): Promise<void> {
  const shown = await showCase(ctx, { id: person.tenantId }, cgid)
  const fields = [{ name: 'number_customergauge', value: String(cgid) }]
  if (form.comment.trim() !== '') fields.push({ name: 'comment', value: form.comment })
  const statusChanged = form.status !== '' && form.status !== currentStatusValue(shown)
  if (statusChanged) fields.push({ name: 'status', value: form.status })
  const input = parseWorkflowInput(fields)
  const wanted = form.assignedTo.trim() === '' ? null : form.assignedTo.trim()
  const assigneeChanged = (wanted ?? '').toLowerCase() !== (shown.assigned_to ?? '').toLowerCase()
  if (!statusChanged && !assigneeChanged && input.comment === undefined) {
    throw new FirehouseError('MISSING_ARGUMENT', 'Nothing to save: change the status or the assignee, or write a comment')
  }
  const writer = { tenantId: person.tenantId, actor: `user:${person.email}`, expectedVersion: form.version }
  await updateCase(ctx, writer, { ...input, assignedTo: assigneeChanged ? wanted : undefined })
}
