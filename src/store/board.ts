// The board's queries: a tenant's cases of one phase with their survey answers, filtered, newest change first.

import { sql, type ExpressionBuilder, type Kysely } from 'kysely'
import { earliestRecordingOf } from '../domain/happened-at.js'
import type { Case, Database, SurveyRecord } from './database.js'

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

/**
 * A tenant's cases of one phase that match. The survey record is consulted (EXISTS) only when a
 * filter needs it, so that the plain board's counts are read from the index alone.
 */
function matching(db: Kysely<Database>, tenantId: string, phase: string, filter: BoardFilter) {
  let query = db.selectFrom('cases as c').where('c.tenant_id', '=', tenantId).where('c.status', '=', phase)
  if (phase === 'CLOSED' && filter.closedSince !== undefined) {
    // closed_at <= updated_at + 60 s always (a back-dated happened_at may be ahead by that much):
    // the updated_at bound lets the index skip older cases.
    query = query.where('c.updated_at', '>=', earliestRecordingOf(filter.closedSince)).where('c.closed_at', '>=', filter.closedSince)
  }
  if (filter.assignee === null) query = query.where('c.assigned_to', 'is', null)
  else if (filter.assignee !== undefined) query = query.where((eb) => eb(eb.fn('lower', ['c.assigned_to']), '=', filter.assignee!))
  if (!needsRecord(filter)) return query
  return query.where((eb) =>
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

/** One column: the `limit` most recently changed cases of the phase that match. */
export async function listBoardCards(
  db: Kysely<Database>,
  tenantId: string,
  phase: string,
  filter: BoardFilter,
  limit: number,
): Promise<BoardCardRow[]> {
  const rows = await matching(db, tenantId, phase, filter)
    .innerJoin('records as r', (join) =>
      join.onRef('r.tenant_id', '=', 'c.tenant_id').onRef('r.number_customergauge', '=', 'c.number_customergauge'),
    )
    .select([
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
    ])
    .orderBy('c.updated_at', 'desc')
    .orderBy('c.number_customergauge', 'desc')
    .limit(limit)
    .execute()
  return rows
}

/** How many cases of a phase match (all of them, not only those a column shows). */
export async function countBoardCards(db: Kysely<Database>, tenantId: string, phase: string, filter: BoardFilter): Promise<number> {
  const row = await matching(db, tenantId, phase, filter)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow()
  return row.count
}
