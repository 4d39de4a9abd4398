// The board's queries: a tenant's cases of one phase with their survey answers, filtered, latest change first.

import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from 'kysely'
import { entriesWithTheirCase } from './case-reads.js'
import type { Case, Database, SurveyRecord } from './database.js'
import type { Dialect } from './dialect.js'

export interface BoardFilter {
  /** undefined: anyone; null: unassigned; else this e-mail (lower-cased). */
  assignee?: string | null
  /** A CG-ID, or text found in the account, e-mail or name (case-insensitive). */
  search?: string
  npsMin?: number
  npsMax?: number
  /** Closed cases closed at or after this instant only (the Closed column's default 30 days). */
  closedSince?: string
}

/** A card: the case's columns the board shows, and the survey record's. */
export type BoardCardRow = Pick<
  Case,
  'number_customergauge' | 'status' | 'status_label' | 'assigned_to' | 'opened_at' | 'followed_up_at' | 'closed_at' | 'updated_at'
> &
  Pick<SurveyRecord, 'nps' | 'account' | 'email' | 'first_name' | 'last_name'>

type Tables = Database & { c: Database['cases']; r: Database['records'] }

/** The arguments that pick a column's cards: whose, which phase, which filter, how many. */
export interface ColumnRead {
  tenantId: string
  phase: string
  filter: BoardFilter
  limit: number
}

/**
 * How a column is read (listBoardCards): up to `readAllUpTo` matching cases, all of them by the
 * phase's index; beyond, from the end of the change log, within the phase's latest `logWindow`
 * entries (at least 4 per card asked for), falling back to reading all when those hold too few.
 */
export interface ColumnReading {
  readAllUpTo: number
  logWindow: number
}

export const COLUMN_READING: ColumnReading = { readAllUpTo: 2_000, logWindow: 2_000 }

/**
 * The conditions a case of one phase must meet to be on the column (`c` the case). The survey
 * record is consulted (EXISTS) only when a filter needs it, so that the plain board's counts are
 * read from the index alone.
 */
function matches(eb: ExpressionBuilder<Tables, 'c'>, tenantId: string, phase: string, filter: BoardFilter) {
  const conditions = [eb('c.tenant_id', '=', tenantId), eb('c.status', '=', phase)]
  // closed_at is set when a case closes and kept while it stays closed (cases_tenant_status_closed).
  if (phase === 'CLOSED' && filter.closedSince !== undefined) conditions.push(eb('c.closed_at', '>=', filter.closedSince))
  if (filter.assignee === null) conditions.push(eb('c.assigned_to', 'is', null))
  else if (filter.assignee !== undefined) conditions.push(eb(eb.fn('lower', ['c.assigned_to']), '=', filter.assignee))
  if (needsRecord(filter)) {
    conditions.push(
      eb.exists(
        eb
          .selectFrom('records as r')
          .select('r.nps')
          .whereRef('r.tenant_id', '=', 'c.tenant_id')
          .whereRef('r.number_customergauge', '=', 'c.number_customergauge')
          .where((inner) => inner.and(recordConditions(inner, filter))),
      ),
    )
  }
  return eb.and(conditions)
}

function needsRecord(filter: BoardFilter): boolean {
  return filter.npsMin !== undefined || filter.npsMax !== undefined || filter.search !== undefined
}

function recordConditions(eb: ExpressionBuilder<Tables, 'c' | 'r'>, filter: BoardFilter) {
  const list = []
  if (filter.npsMin !== undefined) list.push(eb('r.nps', '>=', filter.npsMin))
  if (filter.npsMax !== undefined) list.push(eb('r.nps', '<=', filter.npsMax))
  if (filter.search !== undefined) list.push(searchCondition(eb, filter.search))
  return list
}

function searchCondition(eb: ExpressionBuilder<Tables, 'c' | 'r'>, search: string) {
  const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  const like = (column: string) => sql<boolean>`lower(${sql.ref(column)}) like ${pattern} escape '\\'`
  const texts = ['r.account', 'r.email', 'r.first_name', 'r.last_name'].map(like)
  texts.push(sql<boolean>`lower(coalesce(${sql.ref('r.first_name')}, '') || ' ' || coalesce(${sql.ref('r.last_name')}, '')) like ${pattern} escape '\\'`)
  const cgid = /^\d{1,15}$/.test(search.trim()) ? [eb('c.number_customergauge', '=', Number(search.trim()))] : []
  return eb.or([...cgid, ...texts.map((text) => eb(text, '=', sql<boolean>`true`))])
}

const CARD_COLUMNS = [
  'c.number_customergauge',
  'c.status',
  'c.status_label',
  'c.assigned_to',
  'c.opened_at',
  'c.followed_up_at',
  'c.closed_at',
  'c.updated_at',
  'r.nps',
  'r.account',
  'r.email',
  'r.first_name',
  'r.last_name',
] as const

/**
 * One column: the `limit` most recently changed cases of the phase that match, latest change
 * first (the case's change_seq: the order its changes were recorded in). `matching` is how many
 * match (countBoardCards). A small column is read whole by the phase's index and sorted
 * (newestOfAllQuery); a larger one from the end of the change log (fromTheLogQuery), whose bounded
 * window holds the column's cards unless the phase's latest changes are mostly of cases changed
 * since (or filtered out): then it is read whole after all. All ways give the same rows
 * (test/store/board-reads.test.ts).
 */
export async function listBoardCards(
  db: Kysely<Database>,
  dialect: Dialect['name'],
  column: ColumnRead,
  matching: number,
  reading: ColumnReading = COLUMN_READING,
): Promise<BoardCardRow[]> {
  if (matching === 0) return []
  if (matching > reading.readAllUpTo) {
    const window = Math.max(reading.logWindow, 4 * column.limit)
    const cards = await fromTheLogQuery(db, dialect, column, window).execute()
    // A card is a case at its latest change, and the window is the phase's latest changes: the
    // first `limit` found are the column's, in order, and fewer than asked only when it is short.
    if (cards.length >= Math.min(column.limit, matching)) return cards
  }
  return newestOfAllQuery(db, column).execute()
}

/**
 * Every matching case of the phase (cases_tenant_status_closed), the newest `limit` kept, then
 * their survey records: a cost in proportion to the phase's cases, whatever their history.
 */
export function newestOfAllQuery(db: Kysely<Database>, { tenantId, phase, filter, limit }: ColumnRead) {
  const newest = db
    .selectFrom('cases as c')
    .selectAll('c')
    .where((eb) => matches(eb, tenantId, phase, filter))
    .orderBy('c.change_seq', 'desc')
    .limit(limit)
  return withTheirRecords(db, newest)
}

/**
 * The change log read backwards (history_entries_change), the phase's entries picked in the index,
 * each one's case kept where the entry is its latest change and it matches, until `limit` are
 * found; only the phase's latest `window` entries are read (a bound found in the index alone), so a
 * column costs at most `window` look-ups of cases, whatever the history behind it.
 */
export function fromTheLogQuery(db: Kysely<Database>, dialect: Dialect['name'], { tenantId, phase, filter, limit }: ColumnRead, window: number) {
  const newest = entriesWithTheirCase(db, dialect)
    .selectAll('c')
    .where('h.tenant_id', '=', tenantId)
    .where('h.status_to', '=', phase)
    .where('h.change_seq', '>=', (eb) =>
      eb.fn.coalesce(
        eb
          .selectFrom('history_entries as w')
          .select('w.change_seq')
          .where('w.tenant_id', '=', tenantId)
          .where('w.status_to', '=', phase)
          .orderBy('w.change_seq', 'desc')
          .limit(1)
          .offset(window - 1),
        sql.lit(0),
      ),
    )
    .where((eb) => matches(eb, tenantId, phase, filter))
    .orderBy('h.change_seq', 'desc')
    .limit(limit)
  return withTheirRecords(db, newest)
}

/**
 * The cards of the cases a column shows, latest change first. The survey records are joined to
 * those cases only, after the limit: a planner that misjudges the records' share of the tenant
 * (PostgreSQL before its statistics) cannot start from them.
 */
function withTheirRecords(db: Kysely<Database>, newest: SelectQueryBuilder<Database & { c: Case }, 'c', Case>) {
  return db
    .selectFrom(newest.as('c'))
    .innerJoin('records as r', (join) =>
      join.onRef('r.tenant_id', '=', 'c.tenant_id').onRef('r.number_customergauge', '=', 'c.number_customergauge'),
    )
    .select(CARD_COLUMNS)
    .orderBy('c.change_seq', 'desc')
}

/** How many cases of a phase match: the phase's range of cases_tenant_status_closed. */
export function countQuery(db: Kysely<Database>, tenantId: string, phase: string, filter: BoardFilter) {
  return db
    .selectFrom('cases as c')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where((eb) => matches(eb, tenantId, phase, filter))
}

/** How many cases of a phase match (all of them, not only those a column shows). */
export async function countBoardCards(db: Kysely<Database>, tenantId: string, phase: string, filter: BoardFilter): Promise<number> {
  const row = await countQuery(db, tenantId, phase, filter).executeTakeFirstOrThrow()
  return Number(row.count)
}
