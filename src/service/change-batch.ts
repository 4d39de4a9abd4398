// PostgreSQL's batched writes (issue 17): the changes that arrive while a batch runs are read in one
// statement, decided here with the same functions as every other path (change-decision.ts), and
// written in one statement per tenant, which commits by itself: two round trips and one commit for
// the whole batch instead of two round trips and one commit per call.
// A call the batch cannot settle on what it read goes back to the single-call path, which reads
// and decides it again on its own: a record that does not exist, a key that no longer holds, a
// case written by someone else between the read and the write, an Idempotency-Key whose stored
// answer expired (the single-call path replaces it) or that a twin stored in between.

import { FirehouseError } from '../domain/errors.js'
import type { ExtendedStatus } from '../domain/status.js'
import { caseRow, entryToRow } from '../store/case-writes.js'
import type { Case } from '../store/database.js'
import { readCasesForWrite, writeCaseChanges, type BatchedCaseChange, type CaseReadRow } from '../store/pg-batch-statements.js'
import { listStatuses } from '../store/statuses.js'
import { rulesOfRow } from '../store/tenants.js'
import { unknownAssignee } from '../store/users.js'
import type { Caller } from './api-keys.js'
import { keyConfirmed } from './cached-callers.js'
import { checkVersion, decideChange, statusOfInput, type CaseInput, type Writer } from './change-decision.js'
import { isoNow, type ServiceContext } from './context.js'
import { hashRequest, keyMismatch, replayedCgid, replayWindowStart, storedResponse } from './idempotency.js'
import { unavailableOr } from './transaction.js'
import { caseEvent } from './webhooks/outbox.js'

/**
 * A change as the batch takes it: `caller` is the v4.1 call's API key caller, absent for a board
 * user; `idempotencyKey` a v4.1 call's key, whose twins in flight in this process were refused
 * before (update-workflow.ts).
 */
export interface BatchedCall {
  writer: Writer
  input: CaseInput
  caller?: Caller
  idempotencyKey?: string
}

/**
 * What became of a call: written (with the webhook deliveries it queued), the replay of its key's
 * stored answer (nothing written), refused (nothing written), or left to the single-call path.
 */
export type BatchOutcome =
  | { kind: 'written'; queued: number }
  | { kind: 'replayed'; numberCustomergauge: number }
  | { kind: 'refused'; error: unknown }
  | { kind: 'single' }

/** A call's outcome as its caller gets it: a refusal rejects instead. */
export type SettledCall = Exclude<BatchOutcome, { kind: 'refused' }>

const SINGLE: BatchOutcome = { kind: 'single' }

/** A batch stays small enough that its first call does not wait long for its last. */
const MAX_BATCH = 256

/**
 * Runs the calls, each outcome in the order of `calls`. A case or an Idempotency-Key met twice
 * ends a segment: the calls from there on are read after the first segment is written, so a later
 * call on a case starts from the earlier call's change, a later call with a key finds its stored
 * answer, and each tenant's changes take their sequence numbers in call order. Never throws: a
 * database that is unreachable refuses the calls it was to write (503000), and any other failure
 * of a statement leaves that statement's calls to the single-call path (a statement that failed
 * wrote nothing).
 */
export async function runChangeBatch(ctx: ServiceContext, calls: readonly BatchedCall[]): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = []
  for (const segment of segmentsOfDistinctCases(calls)) outcomes.push(...(await runSegment(ctx, segment)))
  return outcomes
}

function* segmentsOfDistinctCases(calls: readonly BatchedCall[]): Generator<readonly BatchedCall[]> {
  let start = 0
  const seen = new Set<string>()
  for (let i = 0; i < calls.length; i++) {
    const { writer, input, idempotencyKey } = calls[i]!
    const keys = [`${writer.tenantId}\u0000${input.numberCustomergauge}`]
    if (idempotencyKey !== undefined) keys.push(`${writer.tenantId}\u0001${idempotencyKey}`)
    if (keys.some((key) => seen.has(key))) {
      yield calls.slice(start, i)
      start = i
      seen.clear()
    }
    for (const key of keys) seen.add(key)
  }
  if (start < calls.length) yield calls.slice(start)
}

async function runSegment(ctx: ServiceContext, calls: readonly BatchedCall[]): Promise<BatchOutcome[]> {
  let rows: CaseReadRow[]
  let statusSets: StatusSets
  try {
    rows = await readCasesForWrite(ctx.store.db, calls.map(readKeyOf))
    statusSets = await readStatusSets(ctx, calls, rows)
  } catch (error) {
    return calls.map(() => failedStatement(ctx, error))
  }
  const outcomes: BatchOutcome[] = []
  const byTenant = new Map<string, { index: number; change: BatchedCaseChange }[]>()
  calls.forEach((call, index) => {
    try {
      const change = decideCall(ctx, call, rows[index]!, statusSets)
      if (change !== null && 'replayed' in change) {
        outcomes[index] = { kind: 'replayed', numberCustomergauge: change.replayed }
        return
      }
      outcomes[index] = SINGLE
      if (change === null) return
      const changes = byTenant.get(call.writer.tenantId) ?? []
      byTenant.set(call.writer.tenantId, changes)
      changes.push({ index, change })
    } catch (error) {
      outcomes[index] = { kind: 'refused', error }
    }
  })
  await Promise.all(
    [...byTenant].map(async ([tenantId, changes]) => {
      try {
        const written = await writeCaseChanges(ctx.store.db, tenantId, changes.map((item) => item.change))
        for (const { index, change } of changes) {
          const queued = written.get(change.row.number_customergauge)
          if (queued !== undefined) outcomes[index] = { kind: 'written', queued }
        }
      } catch (error) {
        for (const { index } of changes) outcomes[index] = failedStatement(ctx, error)
      }
    }),
  )
  return outcomes
}

/** Each tenant's own status set, for the tenants of the segment that have one. */
type StatusSets = ReadonlyMap<string, readonly ExtendedStatus[]>

/**
 * The status sets of the segment's tenants that have their own, read after the cases and before
 * the write, as the guarded single-call path reads them (one statement per such tenant).
 */
async function readStatusSets(ctx: ServiceContext, calls: readonly BatchedCall[], rows: readonly CaseReadRow[]): Promise<StatusSets> {
  const tenants = new Set(calls.filter((_call, i) => rows[i]!.extended_statuses === 1).map((call) => call.writer.tenantId))
  const sets = await Promise.all([...tenants].map(async (tenantId) => [tenantId, await listStatuses(ctx.store.db, tenantId)] as const))
  return new Map(sets)
}

function failedStatement(ctx: ServiceContext, error: unknown): BatchOutcome {
  return ctx.store.dialect.isUnavailable(error) ? { kind: 'refused', error: unavailableOr(ctx, error) } : SINGLE
}

function readKeyOf(call: BatchedCall) {
  const { input, writer, caller } = call
  return {
    tenantId: writer.tenantId,
    cgid: input.numberCustomergauge,
    keyHash: caller?.unconfirmedKey?.hash ?? '',
    assigneeLower: typeof input.assignedTo === 'string' ? input.assignedTo.toLowerCase() : null,
    idempotencyKey: call.idempotencyKey ?? '',
  }
}

/**
 * The change one call makes to the case as read, checked in the single-call path's order (the
 * Idempotency-Key, the version, the status, the assignee, then the decision's own checks, which
 * throw the refusal); the replay of the key's stored answer; or null when the single-call path
 * must settle it.
 */
function decideCall(ctx: ServiceContext, call: BatchedCall, row: CaseReadRow, statusSets: StatusSets): BatchedCaseChange | { replayed: number } | null {
  const { writer, input, caller, idempotencyKey } = call
  if (caller?.unconfirmedKey) {
    if (!row.key_valid) return null
    keyConfirmed(caller)
  }
  let claim: BatchedCaseChange['claim']
  if (idempotencyKey !== undefined) {
    // As the keyed transaction does: the clock read, then the key looked up, before the case is.
    const now = ctx.now()
    if (row.stored_request_hash !== null) {
      // An answer stored before the window: the single-call path replaces it.
      if (row.stored_created_at! < replayWindowStart(now)) return null
      if (row.stored_request_hash !== hashRequest(writer.tenantId, input)) throw keyMismatch()
      return { replayed: replayedCgid(row.stored_response!) }
    }
    const response = storedResponse(input.numberCustomergauge)
    claim = { key: idempotencyKey, requestHash: hashRequest(writer.tenantId, input), response, createdAt: now.toISOString() }
  }
  if (!row.record_found) return null
  const current = caseOf(row)
  checkVersion(writer, current)
  const statusSet = statusSets.get(writer.tenantId) ?? null
  const status = statusOfInput(input, statusSet)
  const assignedTo = typeof input.assignedTo === 'string' ? (row.active_assignee ?? throwError(unknownAssignee())) : input.assignedTo
  const { next, entry } = decideChange(writer, input, current, { rules: rulesOfRow(row), statusSet, status, assignedTo, now: isoNow(ctx) })
  const cgid = input.numberCustomergauge
  const { tenant_id: _tenant, change_seq: _seq, ...caseValues } = caseRow(writer.tenantId, cgid, next, 0)
  const { tenant_id: _entryTenant, number_customergauge: _cgid, ...entryValues } = entryToRow(writer.tenantId, cgid, entry, null)
  const { eventId, deliveryIdPrefix, type, payload } = caseEvent(cgid, next, entry)
  return { row: caseValues, entry: entryValues, event: { eventId, deliveryIdPrefix, type, payload }, claim }
}

/** The read row's case, or null when the record has none yet (every column of a case is NOT NULL). */
function caseOf(row: CaseReadRow): Case | null {
  if (row.tenant_id === null) return null
  return row as Case
}

function throwError(error: FirehouseError): never {
  throw error
}

/** The calls waiting for this process's next batch, and whether one is running. */
export interface ChangeBatches {
  queue: { call: BatchedCall; settle: (outcome: BatchOutcome) => void }[]
  running: boolean
}

export function createChangeBatches(): ChangeBatches {
  return { queue: [], running: false }
}

/**
 * Queues a change for the next batch: the calls that arrive while one runs go together in the
 * next. Resolves once its statement committed (written, with the webhook deliveries it queued),
 * with its key's replay, or with `single` when the single-call path must take it; rejects with
 * its refusal.
 */
export function changeInBatch(ctx: ServiceContext, batches: ChangeBatches, call: BatchedCall): Promise<SettledCall> {
  return new Promise<SettledCall>((resolve, reject) => {
    batches.queue.push({
      call,
      settle: (outcome) => (outcome.kind === 'refused' ? reject(outcome.error) : resolve(outcome)),
    })
    startBatch(ctx, batches)
  })
}

function startBatch(ctx: ServiceContext, batches: ChangeBatches): void {
  if (batches.running || batches.queue.length === 0) return
  batches.running = true
  // setImmediate runs after this turn's I/O callbacks: every call parsed in the turn joins the batch.
  setImmediate(() => void runQueued(ctx, batches))
}

async function runQueued(ctx: ServiceContext, batches: ChangeBatches): Promise<void> {
  const waiting = batches.queue.splice(0, MAX_BATCH)
  try {
    const outcomes = await runChangeBatch(ctx, waiting.map((item) => item.call))
    waiting.forEach((item, i) => item.settle(outcomes[i]!))
  } finally {
    batches.running = false
    startBatch(ctx, batches)
  }
}
