// Queries on cases and their history entries; rowToCaseState is the one row -> domain mapping.

import type { ExpressionBuilder, Kysely, OnConflictDatabase, OnConflictTables } from 'kysely'
import type { CaseState, HistoryEntry } from '../domain/case.js'
import { FirehouseError } from '../domain/errors.js'
import type { Phase } from '../domain/status.js'
import { chunks } from './chunks.js'
import { compiledOnce, compiledOncePerRowCount } from './compiled-once.js'
import { existingCgids } from './existing-cgids.js'
import type { Case, Database, HistoryEntryRow } from './database.js'

/**
 * The case of a record, or null while the record has none; 400200 when the tenant has no such
 * record (another tenant's record is indistinguishable from a missing one). One statement.
 */
export async function findCaseOfRecord(db: Kysely<Database>, tenantId: string, cgid: number): Promise<Case | null> {
  return (await readCaseOfRecord(db, tenantId, cgid)).current
}

/** findCaseOfRecord, and whether the tenant uses an extended status set, in the same statement. */
export async function readCaseOfRecord(
  db: Kysely<Database>,
  tenantId: string,
  cgid: number,
): Promise<{ current: Case | null; extendedStatuses: boolean }> {
  const [row] = await selectCaseOfRecord(db, { tenantId, cgid })
  if (!row) throw new FirehouseError('WORKFLOW_NOT_FOUND', 'Workflow not found')
  const { extended_statuses, ...current } = row
  // Every column of a case is NOT NULL, so a null key means the join found no case.
  return { current: current.tenant_id === null ? null : (current as Case), extendedStatuses: extended_statuses === 1 }
}

const selectCaseOfRecord = compiledOnce({ tenantId: true, cgid: true }, (db, key: { tenantId: string; cgid: number }) =>
  db
    .selectFrom('records')
    .innerJoin('tenants', 'tenants.id', 'records.tenant_id')
    .leftJoin('cases', (join) =>
      join.onRef('cases.tenant_id', '=', 'records.tenant_id').onRef('cases.number_customergauge', '=', 'records.number_customergauge'),
    )
    .selectAll('cases')
    .select('tenants.extended_statuses')
    .where('records.tenant_id', '=', key.tenantId)
    .where('records.number_customergauge', '=', key.cgid),
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
    historyCount: row.history_count,
  }
}

/**
 * PostgreSQL only, one statement (one round trip): advances the tenant's change sequence, and if
 * the case still has `expectedHistoryCount` entries writes its new state with that number and the
 * history entry. The tenant's row stays locked from here to the commit, so the tenant's changes
 * commit in sequence order. `written` false: another write changed the case since it was read
 * (the sequence number is spent all the same).
 */
export async function saveCaseChangeIfUnchanged(
  db: Kysely<Database>,
  tenantId: string,
  cgid: number,
  change: { state: CaseState; entry: HistoryEntry; expectedHistoryCount: number },
): Promise<{ changeSeq: number; written: boolean }> {
  const { change_seq: _seq, opened_at: _opened, ...row } = caseRow(tenantId, cgid, change.state, 0)
  const entry = entryToRow(tenantId, cgid, change.entry)
  const values: GuardedChange = {
    ...row,
    expected_history_count: change.expectedHistoryCount,
    actor: entry.actor,
    status_from: entry.status_from,
    status_label_from: entry.status_label_from,
    assigned_from: entry.assigned_from,
    comment: entry.comment,
  }
  const [result] = await updateCaseIfUnchanged(db, values)
  if (!result) throw new Error('the guarded case update returned no row')
  return { changeSeq: Number(result.change_seq), written: Number(result.written) === 1 }
}

const CASE_COLUMNS = {
  tenant_id: true,
  number_customergauge: true,
  status: true,
  status_code: true,
  status_label: true,
  assigned_to: true,
  opened_at: true,
  followed_up_at: true,
  closed_at: true,
  updated_at: true,
  history_count: true,
  change_seq: true,
} as const

type GuardedChange = Omit<Case, 'change_seq' | 'opened_at'> & { expected_history_count: number } & Pick<
    HistoryEntryRow,
    'actor' | 'status_from' | 'status_label_from' | 'assigned_from' | 'comment'
  >

const { change_seq: _seq, opened_at: _opened, ...GUARDED_CASE_COLUMNS } = CASE_COLUMNS

const updateCaseIfUnchanged = compiledOnce(
  {
    ...GUARDED_CASE_COLUMNS,
    expected_history_count: true,
    actor: true,
    status_from: true,
    status_label_from: true,
    assigned_from: true,
    comment: true,
  },
  (db, change: GuardedChange) =>
    db
      .with('bump', (qb) =>
        qb
          .updateTable('tenants')
          .set((eb) => ({ change_seq: eb('change_seq', '+', 1) }))
          .where('id', '=', change.tenant_id)
          .returning('change_seq'),
      )
      .with('changed', (qb) =>
        qb
          .updateTable('cases')
          .set({
            status: change.status,
            status_code: change.status_code,
            status_label: change.status_label,
            assigned_to: change.assigned_to,
            followed_up_at: change.followed_up_at,
            closed_at: change.closed_at,
            updated_at: change.updated_at,
            history_count: change.history_count,
            change_seq: (eb) => eb.selectFrom('bump').select('change_seq'),
          })
          .where('tenant_id', '=', change.tenant_id)
          .where('number_customergauge', '=', change.number_customergauge)
          .where('history_count', '=', change.expected_history_count)
          .returning(['tenant_id', 'number_customergauge', 'history_count', 'updated_at', 'status', 'status_label', 'assigned_to']),
      )
      .with('logged', (qb) =>
        qb
          .insertInto('history_entries')
          .columns(['tenant_id', 'number_customergauge', 'seq', 'at', 'actor', 'status_from', 'status_to', 'status_label_from', 'status_label_to', 'assigned_from', 'assigned_to', 'comment'])
          // The "to" values come from the written row; the "from" values and the rest are text.
          .expression((eb) =>
            eb
              .selectFrom('changed')
              .select((eb) => [
                'changed.tenant_id',
                'changed.number_customergauge',
                'changed.history_count',
                'changed.updated_at',
                eb.val(change.actor).as('actor'),
                eb.val(change.status_from).as('status_from'),
                'changed.status',
                eb.val(change.status_label_from).as('status_label_from'),
                'changed.status_label',
                eb.val(change.assigned_from).as('assigned_from'),
                'changed.assigned_to',
                eb.val(change.comment).as('comment'),
              ]),
          )
          .returning('seq'),
      )
      .selectNoFrom((eb) => [
        eb.selectFrom('bump').select('change_seq').as('change_seq'),
        eb.selectFrom('logged').select((eb) => eb.fn.countAll<number>().as('count')).as('written'),
      ]),
)

/** Writes a case's new state and the history entry that records the change. */
export async function saveCaseChange(
  db: Kysely<Database>,
  tenantId: string,
  cgid: number,
  state: CaseState,
  entry: HistoryEntry,
  changeSeq: number,
): Promise<void> {
  await upsertCase(db, caseRow(tenantId, cgid, state, changeSeq))
  await insertHistoryEntry(db, entryToRow(tenantId, cgid, entry))
}

const CASE_KEY = ['tenant_id', 'number_customergauge'] as const
// A case keeps the time it was opened: leaving opened_at out of the update spares its index a rewrite.
const KEPT_COLUMNS: readonly string[] = [...CASE_KEY, 'opened_at']
const CASE_CHANGED_COLUMNS = Object.keys(CASE_COLUMNS).filter((column) => !KEPT_COLUMNS.includes(column)) as (keyof Case)[]

const upsertCase = compiledOnce(CASE_COLUMNS, (db, row: Case) =>
  db
    .insertInto('cases')
    .values(row)
    .onConflict((oc) =>
      // The proposed row's own values (excluded.*): each value is sent once.
      oc.columns([...CASE_KEY]).doUpdateSet(changedColumnsOfProposedRow),
    ),
)

/** ON CONFLICT … DO UPDATE SET column = excluded.column for what a change may change. */
function changedColumnsOfProposedRow(eb: ExpressionBuilder<OnConflictDatabase<Database, 'cases'>, OnConflictTables<'cases'>>) {
  return Object.fromEntries(CASE_CHANGED_COLUMNS.map((column) => [column, eb.ref(`excluded.${column}`)]))
}

const HISTORY_ENTRY_COLUMNS = {
  tenant_id: true,
  number_customergauge: true,
  seq: true,
  at: true,
  actor: true,
  status_from: true,
  status_to: true,
  status_label_from: true,
  status_label_to: true,
  assigned_from: true,
  assigned_to: true,
  comment: true,
} as const

const insertHistoryEntry = compiledOnce(HISTORY_ENTRY_COLUMNS, (db, row: HistoryEntryRow) => db.insertInto('history_entries').values(row))

export interface NewCase {
  cgid: number
  state: CaseState
  entry: HistoryEntry
  changeSeq: number
}

/** Inserts cases that do not exist yet, with their first entries, many rows per statement (imports). */
export async function insertNewCases(db: Kysely<Database>, tenantId: string, cases: readonly NewCase[]): Promise<void> {
  // 500 rows × 12 columns stays under SQLite's 32,766 parameters per statement.
  for (const chunk of chunks(cases, 500)) {
    await insertCaseRows(db, chunk.map((item) => caseRow(tenantId, item.cgid, item.state, item.changeSeq)))
    await insertHistoryRows(db, chunk.map((item) => entryToRow(tenantId, item.cgid, item.entry)))
  }
}

const insertCaseRows = compiledOncePerRowCount(CASE_COLUMNS, (db, rows: Case[]) => db.insertInto('cases').values(rows))
const insertHistoryRows = compiledOncePerRowCount(HISTORY_ENTRY_COLUMNS, (db, rows: HistoryEntryRow[]) => db.insertInto('history_entries').values(rows))

function caseRow(tenantId: string, cgid: number, state: CaseState, changeSeq: number): Case {
  return {
    tenant_id: tenantId,
    number_customergauge: cgid,
    status: state.status.phase,
    status_code: state.status.code,
    status_label: state.status.label,
    assigned_to: state.assignedTo,
    opened_at: state.openedAt,
    followed_up_at: state.followedUpAt,
    closed_at: state.closedAt,
    updated_at: state.updatedAt,
    history_count: state.historyCount,
    change_seq: changeSeq,
  }
}

function entryToRow(tenantId: string, cgid: number, entry: HistoryEntry): HistoryEntryRow {
  return {
    tenant_id: tenantId,
    number_customergauge: cgid,
    seq: entry.seq,
    at: entry.at,
    actor: entry.actor,
    status_from: entry.statusFrom?.phase ?? null,
    status_to: entry.statusTo.phase,
    status_label_from: entry.statusFrom?.label ?? null,
    status_label_to: entry.statusTo.label,
    assigned_from: entry.assignedFrom,
    assigned_to: entry.assignedTo,
    comment: entry.comment,
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

/** A tenant's cases in change order, after a point of the sequence (index cases_tenant_change). */
export async function listCaseChanges(db: Kysely<Database>, tenantId: string, query: CaseFeedQuery): Promise<Case[]> {
  return caseChangesQuery(db, tenantId, query).execute()
}

/** The feed's query, unexecuted: the query-plan test explains exactly what the feed runs. */
export function caseChangesQuery(db: Kysely<Database>, tenantId: string, query: CaseFeedQuery) {
  let select = db
    .selectFrom('cases')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('change_seq', '>', query.afterSeq)
  if (query.phase !== undefined) select = select.where('status', '=', query.phase)
  // Assignees are matched case-insensitively, as everywhere: `assignedTo` comes lower-cased.
  if (query.assignedTo !== undefined) select = select.where((eb) => eb(eb.fn('lower', ['assigned_to']), '=', query.assignedTo!))
  if (query.updatedSince !== undefined) select = select.where('updated_at', '>=', query.updatedSince)
  return select.orderBy('change_seq').limit(query.limit)
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
  for (const row of rows) byCase.get(Number(row.number_customergauge))?.push(row)
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
