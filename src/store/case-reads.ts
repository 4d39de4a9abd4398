// Reads of cases and their history entries; rowToCaseState is the one row -> domain mapping.

import type { Kysely, SelectQueryBuilder } from 'kysely'
import type { CaseState } from '../domain/case.js'
import { FirehouseError } from '../domain/errors.js'
import type { Phase } from '../domain/status.js'
import { compiledOnce } from './compiled-once.js'
import { existingCgids } from './existing-cgids.js'
import type { Case, Database, HistoryEntryRow, HistoryEntryTable } from './database.js'
import type { Dialect } from './dialect.js'
import { RULE_COLUMNS, rulesOfRow } from './tenants.js'
import type { WorkflowRules } from '../domain/workflow-rules.js'

/**
 * The case of a record, or null while the record has none; 400200 when the tenant has no such
 * record (another tenant's record is indistinguishable from a missing one). One statement.
 */
export async function findCaseOfRecord(db: Kysely<Database>, tenantId: string, cgid: number): Promise<Case | null> {
  return (await readCaseOfRecord(db, tenantId, cgid)).current
}

/** findCaseOfRecord, whether the tenant uses an extended status set and its workflow rules, in the same statement. */
export async function readCaseOfRecord(
  db: Kysely<Database>,
  tenantId: string,
  cgid: number,
): Promise<{ current: Case | null; extendedStatuses: boolean; rules: WorkflowRules }> {
  const [row] = await selectCaseOfRecord(db, { tenantId, cgid })
  if (!row) throw workflowNotFound()
  return splitCaseOfRecord(row)
}

/**
 * readCaseOfRecord for a write that needs two more facts, in the same statement (one round trip
 * on PostgreSQL): whether the API key with this hash is still a valid key of the tenant, and the
 * e-mail of the tenant's active user whose lower-cased e-mail is `assigneeLower` (null: none asked).
 */
export async function readCaseForWrite(
  db: Kysely<Database>,
  key: { tenantId: string; cgid: number; keyHash: string; assigneeLower: string | null },
): Promise<{ current: Case | null; extendedStatuses: boolean; rules: WorkflowRules; keyValid: boolean; activeAssignee: string | null }> {
  const [row] = await selectCaseForWrite(db, key)
  if (!row) throw workflowNotFound()
  const { key_valid, active_assignee, ...caseOfRecord } = row
  return { ...splitCaseOfRecord(caseOfRecord), keyValid: Boolean(key_valid), activeAssignee: active_assignee ?? null }
}

/** A row of caseOfRecordQuery: the case's columns (all null without a case), the tenant's flag and rules. */
type CaseOfRecordRow = Awaited<ReturnType<typeof selectCaseOfRecord>>[number]

function splitCaseOfRecord(row: CaseOfRecordRow) {
  const {
    extended_statuses,
    rule_progressive,
    rule_comment_on_status_change,
    rule_comment_on_reassign,
    auto_open_nps_min,
    auto_open_nps_max,
    auto_open_field,
    ...current
  } = row
  const rules = rulesOfRow({ rule_progressive, rule_comment_on_status_change, rule_comment_on_reassign, auto_open_nps_min, auto_open_nps_max, auto_open_field })
  return { current: isCase(current) ? current : null, extendedStatuses: extended_statuses === 1, rules }
}

/** 400200: the tenant has no such record (SQLite's hot path refuses with it too). */
export function workflowNotFound(): FirehouseError {
  return new FirehouseError('WORKFLOW_NOT_FOUND', 'Workflow not found')
}

/** A case's columns as a left join gives them: every one null when the record has no case. */
type CaseOrNothing = { [Column in keyof Case]: Case[Column] | null }

/** Every column of a case is NOT NULL, so a null key means the join found no case. */
function isCase(row: CaseOrNothing): row is Case {
  return row.tenant_id !== null && row.number_customergauge !== null
}

function caseOfRecordQuery(db: Kysely<Database>, key: { tenantId: string; cgid: number }) {
  return db
    .selectFrom('records')
    .innerJoin('tenants', 'tenants.id', 'records.tenant_id')
    .leftJoin('cases', (join) =>
      join.onRef('cases.tenant_id', '=', 'records.tenant_id').onRef('cases.number_customergauge', '=', 'records.number_customergauge'),
    )
    .selectAll('cases')
    .select(['tenants.extended_statuses', ...RULE_COLUMNS.map((column) => `tenants.${column}` as const)])
    .where('records.tenant_id', '=', key.tenantId)
    .where('records.number_customergauge', '=', key.cgid)
}

const selectCaseOfRecord = compiledOnce({ tenantId: true, cgid: true }, caseOfRecordQuery)

const selectCaseForWrite = compiledOnce(
  { tenantId: true, cgid: true, keyHash: true, assigneeLower: true },
  (db, key: { tenantId: string; cgid: number; keyHash: string; assigneeLower: string | null }) =>
    caseOfRecordQuery(db, key).select((eb) => [
      eb
        .exists(
          eb
            .selectFrom('api_keys')
            .select('api_keys.id')
            .where('api_keys.hash', '=', key.keyHash)
            .whereRef('api_keys.tenant_id', '=', 'records.tenant_id')
            .where('api_keys.revoked_at', 'is', null),
        )
        .as('key_valid'),
      eb
        .selectFrom('users')
        .select('users.email')
        .whereRef('users.tenant_id', '=', 'records.tenant_id')
        .where('users.email_lower', '=', key.assigneeLower)
        .where('users.active', '=', 1)
        .as('active_assignee'),
    ]),
)

/** Which of these CG-IDs already have a case in the tenant. */
export async function existingCaseIds(
  db: Kysely<Database>,
  tenantId: string,
  cgids: readonly number[],
): Promise<Set<number>> {
  return existingCgids(db, 'cases', tenantId, cgids)
}

export function rowToCaseState(row: Case): CaseState {
  return {
    status: { phase: row.status as Phase, code: row.status_code, label: row.status_label },
    assignedTo: row.assigned_to,
    openedAt: row.opened_at,
    followedUpAt: row.followed_up_at,
    closedAt: row.closed_at,
    updatedAt: row.updated_at,
    happenedAt: row.happened_at,
    historyCount: row.history_count,
  }
}

export async function listHistory(
  db: Kysely<Database>,
  tenantId: string,
  cgid: number,
): Promise<HistoryEntryRow[]> {
  return db
    .selectFrom('history_entries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('number_customergauge', '=', cgid)
    .orderBy('seq')
    .execute()
}

export interface CaseFeedQuery {
  /** Only changes after this value of the tenant's change sequence. */
  afterSeq: number
  phase?: string
  assignedTo?: string
  updatedSince?: string
  limit: number
}

/** Which database a query is written for. */
type DialectName = Dialect['name']

/**
 * A tenant's cases in change order after a point of its change sequence, read from the change log
 * (index history_entries_change): each case once, at the entry of its latest change, whose
 * change_seq is the case's own. The feeds add their filters on `c` and their order and limit.
 *
 * The log is read in its order and each case looked up by its key, so that a page stops after its
 * last row. SQLite's planner takes that order by itself. PostgreSQL's cannot tell that an entry
 * matches at most one case (it estimates the join at one row) and would join every case of the
 * tenant and sort them: there the case is a LATERAL subquery, which it can only run per entry.
 */
export function casesInChangeOrder(db: Kysely<Database>, dialect: DialectName, tenantId: string, afterSeq: number) {
  return entriesWithTheirCase(db, dialect).selectAll('c').where('h.tenant_id', '=', tenantId).where('h.change_seq', '>', afterSeq)
}

/**
 * The change log's entries, each joined to its case where it is the case's latest change
 * (casesInChangeOrder; the board's columns read it too). `h` is the entry, `c` the case.
 */
export function entriesWithTheirCase(db: Kysely<Database>, dialect: DialectName) {
  const log = db.selectFrom('history_entries as h')
  return dialect === 'postgres'
    ? (log.innerJoinLateral(
        (eb) =>
          eb
            .selectFrom('cases')
            .selectAll()
            .whereRef('cases.tenant_id', '=', 'h.tenant_id')
            .whereRef('cases.number_customergauge', '=', 'h.number_customergauge')
            .whereRef('cases.change_seq', '=', 'h.change_seq')
            // One case at most (its key), and a LIMIT keeps the planner from flattening the subquery.
            .limit(1)
            .as('c'),
        (join) => join.onTrue(),
      ) as unknown as ReturnType<typeof joinedInSqlite>)
    : joinedInSqlite(log)
}

/**
 * SQLite: a CROSS JOIN, which its planner never reorders, so the log stays the outer loop even
 * where a filter on the case (the board's closed_at bound) looks selective without statistics.
 */
function joinedInSqlite(log: SelectQueryBuilder<Database & { h: HistoryEntryTable }, 'h', object>) {
  return log
    .crossJoin('cases as c')
    .whereRef('c.tenant_id', '=', 'h.tenant_id')
    .whereRef('c.number_customergauge', '=', 'h.number_customergauge')
    .whereRef('c.change_seq', '=', 'h.change_seq')
}

/** A tenant's cases in change order, after a point of the sequence (casesInChangeOrder). */
export async function listCaseChanges(db: Kysely<Database>, dialect: DialectName, tenantId: string, query: CaseFeedQuery): Promise<Case[]> {
  return caseChangesQuery(db, dialect, tenantId, query).execute()
}

/** The feed's query, unexecuted: the query-plan test explains exactly what the feed runs. */
export function caseChangesQuery(db: Kysely<Database>, dialect: DialectName, tenantId: string, query: CaseFeedQuery) {
  let select = casesInChangeOrder(db, dialect, tenantId, query.afterSeq)
  if (query.phase !== undefined) select = select.where('c.status', '=', query.phase)
  // Assignees are matched case-insensitively, as everywhere: `assignedTo` comes lower-cased.
  if (query.assignedTo !== undefined) select = select.where((eb) => eb(eb.fn('lower', ['c.assigned_to']), '=', query.assignedTo!))
  if (query.updatedSince !== undefined) select = select.where('c.updated_at', '>=', query.updatedSince)
  return select.orderBy('h.change_seq').limit(query.limit)
}

/** The history of several cases of a tenant at once, each case's oldest first. */
export async function listHistories(
  db: Kysely<Database>,
  tenantId: string,
  cgids: readonly number[],
): Promise<Map<number, HistoryEntryRow[]>> {
  const byCase = new Map<number, HistoryEntryRow[]>(cgids.map((cgid) => [cgid, []]))
  if (cgids.length === 0) return byCase
  const rows = await db
    .selectFrom('history_entries')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('number_customergauge', 'in', cgids)
    .orderBy('number_customergauge')
    .orderBy('seq')
    .execute()
  for (const row of rows) byCase.get(row.number_customergauge)?.push(row)
  return byCase
}

/** The timings of a tenant's cases opened in [from, to), for the metrics summary. */
export async function listCaseTimings(
  db: Kysely<Database>,
  tenantId: string,
  range: { from?: string; to?: string },
): Promise<Pick<Case, 'status' | 'opened_at' | 'followed_up_at' | 'closed_at'>[]> {
  return caseTimingsQuery(db, tenantId, range).execute()
}

/** The summary's query, unexecuted, for the query-plan test. */
export function caseTimingsQuery(db: Kysely<Database>, tenantId: string, range: { from?: string; to?: string }) {
  let select = db
    .selectFrom('cases')
    .select(['status', 'opened_at', 'followed_up_at', 'closed_at'])
    .where('tenant_id', '=', tenantId)
  if (range.from !== undefined) select = select.where('opened_at', '>=', range.from)
  if (range.to !== undefined) select = select.where('opened_at', '<', range.to)
  return select
}
