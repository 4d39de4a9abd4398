// SQLite's hot path for v4.1 changes (issue 17), run by the writer thread: a batch of calls in one
// transaction, synchronously, with hand-written prepared statements (sqlite-hot-statements.ts) and
// the same decisions as the general path (change-decision.ts). What it saves against the general
// path: no savepoint per call (every check runs before a call writes anything, so a refused call
// has nothing to undo), the tenant read and its change sequence written once per batch instead of
// once per call, users and statuses read once per batch, and no query builder.
// A keyed call's look-up and the claim of its key are statements of the same transaction, so the
// claim commits with the change; so are a change's webhook deliveries (the outbox), its event built
// by the outbox's own code. Calls of a tenant deleted since its key was checked run on the general
// path, which refuses them in its own words.

import { FirehouseError } from '../domain/errors.js'
import type { WorkflowInput } from '../domain/workflow-input.js'
import type { Case } from '../store/database.js'
import { workflowNotFound } from '../store/case-reads.js'
import { caseRow, entryToRow } from '../store/case-writes.js'
import type { HotCase, HotStatements, HotTenant } from '../store/sqlite-hot-statements.js'
import { unknownAssignee } from '../store/users.js'
import type { ExtendedStatus } from '../domain/status.js'
import type { Caller } from './api-keys.js'
import { checkVersion, decideChange, statusOfInput, type Writer } from './change-decision.js'
import { flightKey, hashRequest, keyInFlight, keyMismatch, replayedCgid, replayWindowStart, storedResponse } from './idempotency.js'
import type { WorkflowOptions, WorkflowResult } from './update-workflow.js'
import { changeEvent } from './webhooks/outbox.js'

/** A v4.1 call as the hot path takes it. */
export interface HotCall {
  caller: Caller
  input: WorkflowInput
  options: WorkflowOptions
}

/** What became of a call: written (with the webhook deliveries it queued), refused (nothing written), or left to the general path. */
export type HotOutcome =
  | { kind: 'written'; value: WorkflowResult; queued: number }
  | { kind: 'refused'; error: FirehouseError }
  | { kind: 'general' }

const GENERAL: HotOutcome = { kind: 'general' }

/** What one batch keeps between its calls: the cases as it wrote them, the keys its calls claimed. */
interface BatchState {
  /** The cases this batch wrote, as written: a later call on the same case starts from there. */
  written: Map<string, HotCase>
  /** The Idempotency-Keys of this batch's calls so far (flightKey): a second call with one is still in flight. */
  claimed: Set<string>
  /** The keys of general-path calls in flight in this process (ServiceContext.keysInFlight). */
  keysInFlight: ReadonlySet<string>
  /**
   * The API keys (by hash and tenant) this batch found valid: a key is looked up once per batch, not
   * once per call. Its revocation is a write, which cannot happen inside this transaction.
   */
  validKeys: Set<string>
}

/** A tenant during one batch: its row as read, the sequence as advanced, its users and statuses as read. */
interface TenantInBatch extends HotTenant {
  readSeq: number
  users: Map<string, string | undefined>
  statusSet?: ExtendedStatus[]
}

/**
 * Runs the calls in one transaction and commits once (the commit's fsync is the batch's). Each
 * outcome is in the order of `calls`. A failure other than a refusal (the disk, a constraint)
 * rolls the whole batch back and is thrown: then nothing of it was written, and the caller runs
 * the calls again on the general path, which isolates each one. `now` is the clock, read when the
 * general path reads it: once per call after its case was read, and for a keyed call once more
 * before its key is looked up. `keysInFlight`: the keys of this process's general-path calls
 * still running (a call with one of them is refused 300010, as there).
 */
export function runHotBatch(
  statements: HotStatements,
  calls: readonly HotCall[],
  now: () => string,
  keysInFlight: ReadonlySet<string> = new Set(),
): HotOutcome[] {
  const tenants = new Map<string, TenantInBatch | undefined>()
  const batch: BatchState = { written: new Map(), claimed: new Set(), keysInFlight, validKeys: new Set() }
  const outcomes: HotOutcome[] = []
  statements.begin()
  try {
    for (const call of calls) {
      const tenantId = call.caller.tenantId
      const tenant = tenants.has(tenantId) ? tenants.get(tenantId) : loadTenant(statements, tenants, tenantId)
      if (!tenant) {
        // An unknown tenant (deleted since the key was checked) is refused there with its own words.
        outcomes.push(GENERAL)
        continue
      }
      try {
        outcomes.push({ kind: 'written', ...applyCall(statements, tenant, batch, call, now) })
      } catch (error) {
        if (!(error instanceof FirehouseError)) throw error
        outcomes.push({ kind: 'refused', error })
      }
    }
    for (const [tenantId, tenant] of tenants) {
      if (tenant && tenant.changeSeq !== tenant.readSeq) statements.setChangeSeq(tenantId, tenant.changeSeq)
    }
    statements.commit()
    return outcomes
  } catch (error) {
    statements.rollback()
    throw error
  }
}

function loadTenant(statements: HotStatements, tenants: Map<string, TenantInBatch | undefined>, tenantId: string): TenantInBatch | undefined {
  const row = statements.tenant(tenantId)
  const tenant = row && { ...row, readSeq: row.changeSeq, users: new Map<string, string | undefined>() }
  tenants.set(tenantId, tenant)
  return tenant
}

/**
 * One call: every check first (the general path's order), then the case, its entry, its webhook
 * deliveries and the claim of its Idempotency-Key; a key already claimed within the replay window
 * replays its answer.
 */
function applyCall(
  statements: HotStatements,
  tenant: TenantInBatch,
  batch: BatchState,
  call: HotCall,
  now: () => string,
): { value: WorkflowResult; queued: number } {
  const { caller, input, options } = call
  const { written } = batch
  // A caller the request thread remembered (cached-callers.ts): its key is checked first, in this
  // transaction; the request thread's own look-up then words the refusal.
  if (caller.unconfirmedKey) checkKey(statements, batch, caller.unconfirmedKey.hash, caller.tenantId)
  const key = options.idempotencyKey
  const claim = key === undefined ? undefined : claimKey(statements, batch, call, key, now)
  if (claim && 'replay' in claim) return { value: claim.replay, queued: 0 }
  const cgid = input.numberCustomergauge
  const caseKey = `${caller.tenantId}\u0000${cgid}`
  const stored = written.get(caseKey) ?? statements.caseOfRecord(caller.tenantId, cgid)
  if (stored === undefined) throw workflowNotFound()
  const current = stored?.row ?? null
  const writer: Writer = { tenantId: caller.tenantId, actor: caller.actor, expectedVersion: options.expectedVersion }
  checkVersion(writer, current)
  const statusSet = tenant.extendedStatuses ? (tenant.statusSet ??= statements.statuses(caller.tenantId)) : null
  const status = statusOfInput(input, statusSet)
  const assignedTo = input.assignedTo === undefined ? undefined : activeUser(statements, tenant, caller.tenantId, input.assignedTo)
  const { next, entry } = decideChange(writer, input, current, { rules: tenant.rules, statusSet, status, assignedTo, now: now() })
  tenant.changeSeq++
  const row = caseRow(caller.tenantId, cgid, next, tenant.changeSeq)
  if (stored) statements.updateCase(row, stored)
  const rowid = stored ? stored.rowid : statements.insertCase(row)
  written.set(caseKey, { row, rowid })
  statements.insertEntry(entryToRow(caller.tenantId, cgid, entry, tenant.changeSeq))
  // As the general path: an event is built (its id, its payload) only when some endpoint could want it.
  const queued = tenant.hasWebhookEndpoints ? statements.queueEvent(changeEvent(caller.tenantId, cgid, next, entry)) : 0
  if (key !== undefined && claim) {
    statements.saveAnswer(caller.tenantId, key, { requestHash: hashRequest(caller.tenantId, input), response: storedResponse(cgid) }, claim.at)
  }
  return { value: { numberCustomergauge: cgid, replayed: false }, queued }
}

/** 200000 unless the API key with this hash is a valid key of the tenant (looked up once per batch). */
function checkKey(statements: HotStatements, batch: BatchState, keyHash: string, tenantId: string): void {
  const validKey = `${keyHash}\u0000${tenantId}`
  if (batch.validKeys.has(validKey)) return
  if (!statements.keyValid(keyHash, tenantId)) throw new FirehouseError('INVALID_API_KEY', 'Invalid API key')
  batch.validKeys.add(validKey)
}

/**
 * A keyed call's key, as the general path checks it: refused while another call with it is in
 * flight (300010), or with another request (300009); the replay of its first answer when stored
 * within the window; else the time its answer is to be stored at, once the change is written.
 */
function claimKey(
  statements: HotStatements,
  batch: BatchState,
  call: HotCall,
  key: string,
  now: () => string,
): { replay: WorkflowResult } | { at: string } {
  const { tenantId } = call.caller
  const flight = flightKey(tenantId, key)
  if (batch.keysInFlight.has(flight) || batch.claimed.has(flight)) throw keyInFlight()
  batch.claimed.add(flight)
  const at = now()
  const stored = statements.storedAnswer(tenantId, key, replayWindowStart(new Date(at)))
  if (stored === undefined) return { at }
  if (stored.requestHash !== hashRequest(tenantId, call.input)) throw keyMismatch()
  return { replay: { numberCustomergauge: replayedCgid(stored.response), replayed: true } }
}

/** The active user's e-mail as stored, or 400201 (findActiveUser's words). */
function activeUser(statements: HotStatements, tenant: TenantInBatch, tenantId: string, email: string): string {
  const emailLower = email.toLowerCase()
  if (!tenant.users.has(emailLower)) tenant.users.set(emailLower, statements.activeUserEmail(tenantId, emailLower))
  const stored = tenant.users.get(emailLower)
  if (stored === undefined) throw unknownAssignee()
  return stored
}
