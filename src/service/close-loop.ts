// Use cases of CustomerGauge's v7 Close the Loop (SPEC §10): a status change by PUT, and the sync feed
// of cases by an integer cursor over the tenant's change sequence (the one §5's feed follows).

import { FirehouseError } from '../domain/errors.js'
import type { Phase } from '../domain/status.js'
import type { WorkflowInput } from '../domain/workflow-input.js'
import { findCaseOfRecord } from '../store/case-reads.js'
import { listCloseLoopChanges, listCommentedEntries, type CommentedEntry } from '../store/close-loop.js'
import type { Case } from '../store/database.js'
import type { Caller } from './api-keys.js'
import { caseTimings } from './case-view.js'
import type { ServiceContext } from './context.js'
import { withDatabase } from './transaction.js'
import { updateWorkflow, type WorkflowOptions } from './update-workflow.js'

export const MIN_CLOSE_LOOP_PER_PAGE = 1
export const MAX_CLOSE_LOOP_PER_PAGE = 1000
/** As §5's feed: a page a sync job reads in well under a second. */
export const DEFAULT_CLOSE_LOOP_PER_PAGE = 100
/** The largest cursor: the change sequence is counted in integers a JSON number holds exactly. */
export const MAX_CLOSE_LOOP_CURSOR = Number.MAX_SAFE_INTEGER

const SECONDS_PER_HOUR = 3600

export type CloseLoopStatus = 'open' | 'progress' | 'closed'

/** One case as v7 shows it, in the PUT's answer and in the feed. */
export interface CloseLoopItem {
  number_customergauge: number
  /** The phase in lower case: an extended label shows as its phase. */
  status: CloseLoopStatus
  /** The comment of the case's latest entry that has one, else null. */
  note: string | null
  assigned_to: string | null
  /** When the latest change was recorded: `YYYY-MM-DD HH:MM:SS`, UTC. */
  updated_at: string
  /** Whole hours from opened to followed up, rounded down; null until followed up. */
  time_to_follow_up: number | null
  /** Whole hours from opened to closed, rounded down; null until closed. */
  time_to_close: number | null
}

export interface CloseLoopPage {
  data: CloseLoopItem[]
  /** The change sequence of the page's last case; the cursor given when the page is empty. */
  cursor: number
}

export interface CloseLoopSyncRequest {
  perPage?: number
  /** After this point of the change sequence; 0 (the start) when absent. */
  cursor?: number
  /** First day (UTC, `YYYY-MM-DD`) of the case's updated_at, included. */
  start?: string
  /** Last day (UTC, `YYYY-MM-DD`) of the case's updated_at, included. */
  end?: string
}

/**
 * Applies a v7 status change through v4.1's write (updateWorkflow): the same validation, rules,
 * atomicity, Idempotency-Key and If-Match. Answers the case as it is read right after the write.
 */
export async function setCloseLoopStatus(
  ctx: ServiceContext,
  caller: Caller,
  input: WorkflowInput,
  options: WorkflowOptions,
): Promise<CloseLoopItem> {
  await updateWorkflow(ctx, caller, input, options)
  return withDatabase(ctx, async (db) => {
    const row = await findCaseOfRecord(db, caller.tenantId, input.numberCustomergauge)
    // The write above created the case if there was none; nothing deletes one.
    if (!row) throw new Error('the case written is not there')
    const notes = await listCommentedEntries(db, caller.tenantId, [input.numberCustomergauge])
    return toCloseLoopItem(row, notes.get(input.numberCustomergauge) ?? [])
  })
}

/** One page of the feed: the tenant's cases changed after `cursor`, in change order. */
export async function syncCloseLoop(ctx: ServiceContext, tenantId: string, request: CloseLoopSyncRequest): Promise<CloseLoopPage> {
  const perPage = request.perPage ?? DEFAULT_CLOSE_LOOP_PER_PAGE
  if (!Number.isInteger(perPage) || perPage < MIN_CLOSE_LOOP_PER_PAGE || perPage > MAX_CLOSE_LOOP_PER_PAGE) {
    throw invalid(`per_page must be an integer from ${MIN_CLOSE_LOOP_PER_PAGE} to ${MAX_CLOSE_LOOP_PER_PAGE}`)
  }
  const cursor = request.cursor ?? 0
  if (!Number.isSafeInteger(cursor) || cursor < 0) throw invalid(`cursor must be an integer from 0 to ${MAX_CLOSE_LOOP_CURSOR}`)
  const updatedFrom = request.start === undefined ? undefined : startOfDay(request.start, 'updated_at[start]')
  const updatedBefore = request.end === undefined ? undefined : startOfNextDay(request.end, 'updated_at[end]')
  if (updatedFrom !== undefined && updatedBefore !== undefined && updatedFrom >= updatedBefore) {
    throw invalid('updated_at[start] is after updated_at[end]')
  }
  return withDatabase(ctx, async (db) => {
    const rows = await listCloseLoopChanges(db, ctx.store.dialect.name, tenantId, { afterSeq: cursor, updatedFrom, updatedBefore, limit: perPage })
    const cgids = rows.map((row) => row.number_customergauge)
    const notes = await listCommentedEntries(db, tenantId, cgids)
    return {
      data: rows.map((row) => toCloseLoopItem(row, notes.get(row.number_customergauge) ?? [])),
      cursor: rows.length === 0 ? cursor : Number(rows.at(-1)!.change_seq),
    }
  })
}

/**
 * A case as v7 shows it. Its comments were read after the row: entries past the row's count
 * belong to a later state (a concurrent write), shown when the case is read again.
 */
export function toCloseLoopItem(row: Case, commented: readonly CommentedEntry[]): CloseLoopItem {
  const timings = caseTimings(row)
  const latest = commented.filter((entry) => entry.seq <= row.history_count).at(-1)
  return {
    number_customergauge: row.number_customergauge,
    // The column's CHECK constraint admits only the three phases.
    status: (row.status as Phase).toLowerCase() as CloseLoopStatus,
    note: latest?.comment ?? null,
    assigned_to: row.assigned_to,
    updated_at: v7DateTime(row.updated_at),
    time_to_follow_up: wholeHours(timings.time_to_follow_up_s),
    time_to_close: wholeHours(timings.time_to_close_s),
  }
}

/** Seconds as whole hours, rounded down (1 h 59 min is 1). */
function wholeHours(seconds: number | null): number | null {
  return seconds === null ? null : Math.floor(seconds / SECONDS_PER_HOUR)
}

/** A stored instant (ISO 8601 UTC with milliseconds) as v7 writes one: `YYYY-MM-DD HH:MM:SS`. */
function v7DateTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** Midnight UTC starting a day `YYYY-MM-DD` that exists, as stored instants are compared; else 300001. */
function startOfDay(text: string, name: string): string {
  const match = DATE.exec(text)
  const ms = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : NaN
  if (!match || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) {
    throw invalid(`${name} must be a date YYYY-MM-DD that exists (UTC)`)
  }
  return new Date(ms).toISOString()
}

/**
 * Midnight UTC after the day: the end day is included whole, to 23:59:59.999. After 9999-12-31
 * there is no bound (stored instants have four-digit years; `+010000-…` would sort before them).
 */
function startOfNextDay(text: string, name: string): string | undefined {
  const next = new Date(Date.parse(startOfDay(text, name)) + 24 * SECONDS_PER_HOUR * 1000).toISOString()
  return next.startsWith('+') ? undefined : next
}

function invalid(reason: string): FirehouseError {
  return new FirehouseError('INVALID_ARGUMENT', `Invalid argument: ${reason}`)
}
