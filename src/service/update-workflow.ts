// The v4.1 workflow call: validate everything, then change the case and log it in one transaction.

import type { CaseState, HistoryEntry } from '../domain/case.js'
import { FirehouseError } from '../domain/errors.js'
import type { WorkflowInput } from '../domain/workflow-input.js'
import type { WorkflowRules } from '../domain/workflow-rules.js'
import { readCaseForWrite, readCaseOfRecord } from '../store/case-reads.js'
import { saveCaseChange, saveCaseChangeIfUnchanged } from '../store/case-writes.js'
import type { Case, Db, Tx } from '../store/database.js'
import { findIdempotencyKey, pruneIdempotencyKeys, saveIdempotencyKey } from '../store/idempotency-keys.js'
import { listStatuses } from '../store/statuses.js'
import { nextChangeSeq, type ChangeTicket } from '../store/tenants.js'
import { findActiveUser, unknownAssignee } from '../store/users.js'
import type { Caller } from './api-keys.js'
import { confirmCaller, keyConfirmed } from './cached-callers.js'
import { flightKey, hashRequest, keyInFlight, keyMismatch, replayedCgid, replayWindowStart, storedResponse } from './idempotency.js'
import { changeInBatch } from './change-batch.js'
import { checkVersion, decideChange, statusOfInput, type CaseInput, type Writer } from './change-decision.js'
import { isoNow, type ServiceContext } from './context.js'
import { inSharedTransaction } from './group-commit.js'
import { undone, type Undone } from '../store/batch-transaction.js'
import { withDatabase } from './transaction.js'
import { caseEvent, queueCaseEvent } from './webhooks/outbox.js'

export type { CaseInput, Writer } from './change-decision.js'

/** How a v4.1 call is made, beside its fields. */
export interface WorkflowOptions {
  /** The Idempotency-Key: a retry replays the first answer (looked up before the version is checked). */
  idempotencyKey?: string
  /** If-Match: the case's version the call was based on; a case at another version is not written (400206). */
  expectedVersion?: number
}

export interface WorkflowResult {
  numberCustomergauge: number
  /** True when the answer is the replay of an earlier call with the same idempotency key. */
  replayed: boolean
}

/** Applies one v4.1 call for the caller's tenant. Nothing is written unless all of it is valid. */
export async function updateWorkflow(
  ctx: ServiceContext,
  caller: Caller,
  input: WorkflowInput,
  options: WorkflowOptions = {},
): Promise<WorkflowResult> {
  if (ctx.writerThread) return ctx.writerThread.updateWorkflow(caller, input, options)
  const { idempotencyKey, expectedVersion } = options
  const writer: Writer = { tenantId: caller.tenantId, actor: caller.actor, expectedVersion }
  // The guarded write's read (updateIfUnchanged) and PostgreSQL's batch read check a remembered
  // caller's key themselves. Before a keyed call's in-flight check, too: an answer with an error is
  // preceded by the key's look-up anyway (a revoked key answers 200000 whatever else is wrong).
  const checkedByRead = ctx.store.dialect.guardedCaseWrites && (idempotencyKey === undefined || ctx.changeBatches !== undefined)
  if (!checkedByRead) await confirmCaller(ctx, caller)
  if (idempotencyKey === undefined) {
    await writeChange(ctx, writer, input, caller)
    return { numberCustomergauge: input.numberCustomergauge, replayed: false }
  }
  const inFlight = flightKey(caller.tenantId, idempotencyKey)
  if (ctx.keysInFlight.has(inFlight)) throw keyInFlight()
  ctx.keysInFlight.add(inFlight)
  try {
    const batched = ctx.changeBatches ? await changeInBatch(ctx, ctx.changeBatches, { writer, input, caller, idempotencyKey }) : null
    if (batched?.kind === 'replayed') return { numberCustomergauge: batched.numberCustomergauge, replayed: true }
    if (batched?.kind === 'written') {
      if (batched.queued > 0) ctx.outbox.notify()
      return { numberCustomergauge: input.numberCustomergauge, replayed: false }
    }
    // Left by the batch: its read did not confirm a remembered key (no longer valid, say).
    if (batched) await confirmCaller(ctx, caller)
    const outbox = { queued: 0 }
    const result = await inSharedTransaction(ctx, (trx) => applyKeyedWorkflow(ctx, trx, writer, input, idempotencyKey, outbox))
    if (outbox.queued > 0) ctx.outbox.notify()
    return result
  } finally {
    ctx.keysInFlight.delete(inFlight)
  }
}

/**
 * Applies one change for a writer other than an API key (a board user): the same rules, the same
 * atomicity and the same write paths as v4.1, with the version check inside the write.
 */
export async function updateCase(ctx: ServiceContext, writer: Writer, input: CaseInput): Promise<void> {
  await writeChange(ctx, writer, input)
}

/** `caller`: the API key's caller of a v4.1 call, whose key the guarded write's read confirms when it is unconfirmed. */
async function writeChange(ctx: ServiceContext, writer: Writer, input: CaseInput, caller?: Caller): Promise<void> {
  const batched = ctx.changeBatches ? await changeInBatch(ctx, ctx.changeBatches, { writer, input, caller }) : null
  const guarded =
    (batched?.kind === 'written' ? batched.queued : null) ?? (ctx.store.dialect.guardedCaseWrites ? await withDatabase(ctx, (db) => updateIfUnchanged(ctx, db, writer, input, caller)) : null)
  const queued = guarded ?? (await inSharedTransaction(ctx, (trx) => applyWorkflow(ctx, trx, writer, input)))
  // After the commit: the dispatcher of this process sends the events at once (others poll).
  if (queued > 0) ctx.outbox.notify()
}

/**
 * The keyed call: the claim of the key commits with the change itself, or neither does. The key is
 * looked up before the version is checked: the retry of a call that succeeded replays its answer,
 * though that very call moved the case past the version it was based on.
 */
async function applyKeyedWorkflow(
  ctx: ServiceContext,
  trx: Tx,
  writer: Writer,
  input: WorkflowInput,
  idempotencyKey: string,
  outbox: { queued: number },
): Promise<WorkflowResult | Undone<WorkflowResult>> {
  // Taking the tenant's write lock first makes the look-up below see any concurrent twin's commit.
  const ticket = await nextChangeSeq(trx, writer.tenantId)
  const now = ctx.now()
  const notBefore = replayWindowStart(now)
  const requestHash = hashRequest(writer.tenantId, input)
  const stored = await findIdempotencyKey(trx, writer.tenantId, idempotencyKey, notBefore)
  if (stored) {
    if (stored.requestHash !== requestHash) {
      throw keyMismatch()
    }
    // A replay writes nothing: its answer comes with the sequence bump rolled back (undone).
    return undone({ numberCustomergauge: replayedCgid(stored.response), replayed: true })
  }
  outbox.queued = await applyWorkflow(ctx, trx, writer, input, ticket)
  const response = storedResponse(input.numberCustomergauge)
  await saveIdempotencyKey(trx, writer.tenantId, idempotencyKey, { requestHash, response }, now.toISOString())
  return { numberCustomergauge: input.numberCustomergauge, replayed: false }
}

/**
 * Changes the case and logs it, in the caller's transaction, with the tenant's lock taken first
 * (`held`: already taken, with this sequence number), so that the case read stays as read until
 * the commit; its webhook event is queued in the same transaction. Returns the deliveries queued.
 */
async function applyWorkflow(ctx: ServiceContext, trx: Tx, writer: Writer, input: CaseInput, held?: ChangeTicket): Promise<number> {
  const ticket = held ?? (await nextChangeSeq(trx, writer.tenantId))
  const { current } = await readCaseOfRecord(trx, writer.tenantId, input.numberCustomergauge)
  checkVersion(writer, current)
  const { next, entry } = await validateChange(ctx, trx, writer, input, current, ticket)
  await saveCaseChange(trx, writer.tenantId, input.numberCustomergauge, next, entry, ticket.changeSeq)
  // Building an event (its id, its payload) costs more than the write's statements; skipped when no endpoint could want it.
  return ticket.hasWebhookEndpoints ? queueCaseEvent(trx, writer.tenantId, input.numberCustomergauge, next, entry) : 0
}

/**
 * PostgreSQL (Dialect.guardedCaseWrites): the update of an existing case without a transaction of
 * its own: one statement reads the case, one takes the tenant's lock with its sequence number and
 * writes the case and its entry if the case is still as read; its commit releases the lock. The
 * tenant's lock, which all of a tenant's writes queue for, is held for one statement instead of a
 * whole transaction, and two round trips (BEGIN, COMMIT) go. False when nothing was written: the
 * case does not exist yet, or another write changed it in between (its sequence number is then
 * spent, a gap the feed does not mind); the caller then writes in a transaction, lock first.
 * Every writer takes the tenant's lock before a case's, so two writers never deadlock. The webhook
 * event's deliveries are written by the same statement, only if the case was. Returns the
 * deliveries queued, or null when nothing was written.
 */
async function updateIfUnchanged(ctx: ServiceContext, db: Db, writer: Writer, input: CaseInput, caller?: Caller): Promise<number | null> {
  const read = await readCaseForWrite(db, {
    tenantId: writer.tenantId,
    cgid: input.numberCustomergauge,
    keyHash: caller?.unconfirmedKey?.hash ?? '',
    assigneeLower: typeof input.assignedTo === 'string' ? input.assignedTo.toLowerCase() : null,
  })
  if (caller?.unconfirmedKey) {
    if (!read.keyValid) {
      // Revoked in some process since this one remembered it: the lookup gives the refusal's words.
      await confirmCaller(ctx, caller)
      throw new FirehouseError('INVALID_API_KEY', 'Invalid API key')
    }
    keyConfirmed(caller)
  }
  const { current } = read
  if (!current) return null
  // The guard below writes only at the count read here, so this check holds at the write too.
  checkVersion(writer, current)
  const { next, entry } = await validateChange(ctx, db, writer, input, current, read)
  const event = caseEvent(input.numberCustomergauge, next, entry)
  const guarded = { state: next, entry, expectedHistoryCount: current.history_count, event }
  const saved = await saveCaseChangeIfUnchanged(db, writer.tenantId, input.numberCustomergauge, guarded)
  return saved.written ? saved.queued : null
}

/** What a write needs to know of its tenant, read in the write's own statement (never cached). */
interface TenantAtWrite {
  extendedStatuses: boolean
  rules: WorkflowRules
  /** When read with the case (readCaseForWrite): the call's assignee as an active user's e-mail, null for none. */
  activeAssignee?: string | null
}

/**
 * Checks the call's status and assignee against the tenant (400011, 400201) and the change
 * against the tenant's workflow rules (400205, 400204) before anything is written, and returns
 * the case's next state and the entry that records it (change-decision.ts decides; this reads what
 * it needs). The time is taken here, after the case was read, so that along a case's chain times
 * never go back. Every surface's writes pass here, but SQLite's hot path, which decides alike.
 */
async function validateChange(
  ctx: ServiceContext,
  db: Db,
  writer: Writer,
  input: CaseInput,
  current: Case | null,
  tenant: TenantAtWrite,
): Promise<{ next: CaseState; entry: HistoryEntry }> {
  const statusSet = tenant.extendedStatuses ? await listStatuses(db, writer.tenantId) : null
  const status = statusOfInput(input, statusSet)
  const assignedTo = typeof input.assignedTo === 'string' ? await activeAssignee(db, writer.tenantId, input.assignedTo, tenant) : input.assignedTo
  return decideChange(writer, input, current, { rules: tenant.rules, statusSet, status, assignedTo, now: isoNow(ctx) })
}

/** The e-mail of the tenant's active user named, as read with the case or looked up now; else 400201. */
async function activeAssignee(db: Db, tenantId: string, named: string, tenant: TenantAtWrite): Promise<string> {
  if (tenant.activeAssignee === undefined) return (await findActiveUser(db, tenantId, named)).email
  if (tenant.activeAssignee === null) throw unknownAssignee()
  return tenant.activeAssignee
}

/** Deletes idempotency keys older than their 24 h replay window; returns how many. */
export async function pruneExpiredIdempotencyKeys(ctx: ServiceContext): Promise<number> {
  const cutoff = replayWindowStart(ctx.now())
  return withDatabase(ctx, (db) => pruneIdempotencyKeys(db, cutoff))
}
