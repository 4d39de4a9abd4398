// Use cases of /settings (SPEC §7): what an admin sees, and the changes that must keep the tenant manageable.

import { ERROR_CODES, FirehouseError, isFirehouseError } from '../domain/errors.js'
import { isRole, normalizePassword, ROLES } from '../domain/people.js'
import type { SlaTargets } from '../domain/sla.js'
import type { RulesUpdate, WorkflowRules } from '../domain/workflow-rules.js'
import type { ExtendedStatus } from '../domain/status.js'
import type { Tx, User } from '../store/database.js'
import { deleteSessionsOfUser } from '../store/sessions.js'
import { listStatuses } from '../store/statuses.js'
import { nextChangeSeq, rulesOfRow } from '../store/tenants.js'
import { listUsers as listUserRows, updateUser } from '../store/users.js'
import { listApiKeys, type ApiKeyInfo } from './api-keys.js'
import type { ServiceContext } from './context.js'
import { setStatusesFromFile } from './statuses.js'
import { getTenant, slaTargetsOf } from './tenants.js'
import { inTransaction, withDatabase } from './transaction.js'
import { addUser, listUsers, setPassword, type UserInfo } from './users.js'

/** The signed-in admin's tenant, as the session names it (never as a form does). */
export interface AdminTenant {
  id: string
  slug: string
}

export interface SettingsData {
  users: UserInfo[]
  keys: ApiKeyInfo[]
  statuses: ExtendedStatus[]
  extendedEnabled: boolean
  sla: SlaTargets
  rules: WorkflowRules
}

/** Settings are for admins: an agent (or an admin demoted since the page was loaded) is refused. */
export function requireAdmin(role: string): void {
  if (role !== 'admin') throw new FirehouseError('FORBIDDEN', 'Only admins can change settings')
}

export async function loadSettings(ctx: ServiceContext, tenant: AdminTenant): Promise<SettingsData> {
  const row = await getTenant(ctx, { id: tenant.id })
  return {
    users: await listUsers(ctx, tenant.slug),
    keys: await listApiKeys(ctx, tenant.slug),
    statuses: await withDatabase(ctx, (db) => listStatuses(db, tenant.id)),
    extendedEnabled: row.extended_statuses === 1,
    sla: slaTargetsOf(row),
    rules: rulesOfRow(row),
  }
}

export interface NewUserForm {
  email: string
  name: string
  role: string
  /** Empty: the user cannot sign in until an admin sets one. */
  password: string
}

/** Adds a user, with a first password when one is given; a bad password is refused before anything is written. */
export async function addUserWithPassword(ctx: ServiceContext, tenant: AdminTenant, form: NewUserForm): Promise<void> {
  const password = form.password === '' ? null : normalizePassword(form.password)
  const user = await addUser(ctx, tenant.slug, form.email, form.name, form.role)
  if (password !== null) await setPassword(ctx, tenant.slug, user.email, password)
}

/** Sets a role, unless that would leave the tenant without an admin who can sign in. */
export async function setRoleKeepingAnAdmin(ctx: ServiceContext, tenant: AdminTenant, email: string, role: string): Promise<void> {
  if (!isRole(role)) throw new FirehouseError('INVALID_ARGUMENT', `A role is one of ${ROLES.join(', ')}`)
  await inTransaction(ctx, async (trx) => {
    const users = await lockedUsers(trx, tenant.id)
    const target = findUser(users, email)
    if (role !== 'admin') refuseIfLastAdmin(users, target, 'demote')
    await updateUser(trx, tenant.id, target.email, { role })
  })
}

/** Deactivates a user and ends their sessions, unless they are the tenant's last admin who can sign in. */
export async function deactivateKeepingAnAdmin(ctx: ServiceContext, tenant: AdminTenant, email: string): Promise<void> {
  await inTransaction(ctx, async (trx) => {
    const users = await lockedUsers(trx, tenant.id)
    const target = findUser(users, email)
    refuseIfLastAdmin(users, target, 'deactivate')
    await updateUser(trx, tenant.id, target.email, { active: 0 })
    await deleteSessionsOfUser(trx, target.id)
  })
}

/**
 * The tenant's users, read after taking the tenant's write lock (an update of its row that changes
 * nothing): two admins demoting each other at once are then serialized, and the second sees the
 * first's change, so they cannot both succeed and leave nobody.
 */
async function lockedUsers(trx: Tx, tenantId: string): Promise<User[]> {
  await nextChangeSeq(trx, tenantId, 0)
  return listUserRows(trx, tenantId)
}

function findUser(users: readonly User[], email: string): User {
  const wanted = email.trim().toLowerCase()
  const user = users.find((candidate) => candidate.email_lower === wanted)
  if (!user) throw new FirehouseError('INVALID_ARGUMENT', `Unknown user: ${email.trim().slice(0, 254)}`)
  return user
}

/** An admin who can actually use /settings: active, and with a password to sign in with. */
function canAdminister(user: User): boolean {
  return user.active === 1 && user.role === 'admin' && user.password_hash !== null
}

function refuseIfLastAdmin(users: readonly User[], target: User, change: 'demote' | 'deactivate'): void {
  if (!canAdminister(target)) return
  if (users.some((user) => user.id !== target.id && canAdminister(user))) return
  throw new FirehouseError(
    'INVALID_ARGUMENT',
    `Cannot ${change} ${target.email}: they are the last active admin who can sign in, and nobody could manage this workspace. Make another user an admin (with a password) first.`,
  )
}

/** The header setStatusesFromFile needs; the form lets an admin leave it out. */
export const STATUS_TABLE_HEADER = 'code,label,phase'

/**
 * Replaces the extended status table from the rows an admin typed. Without a header line one is
 * prepended, and a refused row's line number is then given back as the admin counts it.
 */
export async function replaceStatusTable(ctx: ServiceContext, tenant: AdminTenant, text: string): Promise<void> {
  if (text.trim() === '') {
    throw new FirehouseError('INVALID_ARGUMENT', 'The table is empty: write one row code,label,phase per line (to stop using it, switch the extended set off)')
  }
  if (hasHeader(text)) return void (await setStatusesFromFile(ctx, tenant.slug, text, 'csv'))
  try {
    await setStatusesFromFile(ctx, tenant.slug, `${STATUS_TABLE_HEADER}\n${text}`, 'csv')
  } catch (error) {
    throw isFirehouseError(error) ? withLineShifted(error, -1) : error
  }
}

/** Whether the first non-blank line names the three columns (any order, any case). */
function hasHeader(text: string): boolean {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/).find((line) => line.trim() !== '') ?? ''
  const cells = first.split(',').map((cell) => cell.trim().replace(/^"|"$/g, '').toLowerCase())
  return cells.sort().join(',') === 'code,label,phase'
}

/** The same error with "line N:" renumbered; errors without a line number pass unchanged. */
function withLineShifted(error: FirehouseError, by: number): FirehouseError {
  const match = /^line (\d+): /.exec(error.message)
  if (!match || error.code !== ERROR_CODES.INVALID_ARGUMENT) return error
  const line = Math.max(1, Number(match[1]) + by)
  return new FirehouseError('INVALID_ARGUMENT', `line ${line}: ${error.message.slice(match[0].length)}`, { cause: error })
}

/** The table as the textarea shows it: a header, then one CSV row per status. */
export function statusTableText(statuses: readonly ExtendedStatus[]): string {
  const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value)
  return [STATUS_TABLE_HEADER, ...statuses.map((status) => `${status.code},${cell(status.label)},${status.phase}`)].join('\n')
}

/** Reads an SLA target as typed in the form: a whole number of hours (the range is setSlaTargets'). */
/** The rules form, whole: a box not ticked is off; both NPS fields empty is no NPS rule, an empty field name none. */
export function rulesFromForm(fields: Readonly<Record<string, string | undefined>>): RulesUpdate {
  const npsOf = (name: string, label: string): number | null => {
    const text = (fields[name] ?? '').trim()
    if (text === '') return null
    if (!/^\d{1,2}$/.test(text)) throw new FirehouseError('INVALID_ARGUMENT', `${label} must be a whole number from 0 to 10`)
    return Number(text)
  }
  const field = (fields.field ?? '').trim()
  return {
    progressive: fields.progressive === '1',
    commentOnStatusChange: fields.comment_on_status_change === '1',
    commentOnReassign: fields.comment_on_reassign === '1',
    autoOpen: { npsMin: npsOf('nps_min', 'From NPS'), npsMax: npsOf('nps_max', 'To NPS'), field: field === '' ? null : field },
  }
}

export function parseSlaHours(raw: string, field: string): number {
  const text = raw.trim()
  if (!/^\d{1,7}$/.test(text)) throw new FirehouseError('INVALID_ARGUMENT', `${field} must be a whole number of hours`)
  return Number(text)
}
