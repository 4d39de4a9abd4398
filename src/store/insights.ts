// The Insights page's queries (SPEC §7): a tenant's cases counted by phase, day and assignee, and recent timings.

import { sql, type Kysely } from 'kysely'
import type { Case, Database } from './database.js'

/** Times are stored as toISOString() text, always UTC ('…Z'): the first ten characters are the UTC day. */
const dayOf = (column: 'opened_at' | 'closed_at') => sql<string>`substr(${sql.ref(column)}, 1, 10)`

// Phases listed rather than negated (status <> 'CLOSED'), so the (tenant_id, status, closed_at) index serves them.
const NOT_CLOSED = ['OPEN', 'PROGRESS']

export type CaseTimingRow = Pick<Case, 'opened_at' | 'followed_up_at' | 'closed_at'>

/** How many of the tenant's cases are in each phase (phases without cases are absent). */
export async function countCasesByPhase(db: Kysely<Database>, tenantId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('cases')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('tenant_id', '=', tenantId)
    .groupBy('status')
    .execute()
  return new Map(rows.map((row) => [row.status, row.count]))
}

/** How many cases were opened on each UTC day from `since` on (days without any are absent). */
export async function countOpenedPerDay(db: Kysely<Database>, tenantId: string, since: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('cases')
    .select([dayOf('opened_at').as('day'), (eb) => eb.fn.countAll<number>().as('count')])
    .where('tenant_id', '=', tenantId)
    .where('opened_at', '>=', since)
    .groupBy(dayOf('opened_at'))
    .execute()
  return new Map(rows.map((row) => [row.day, row.count]))
}

/**
 * How many cases closed on each UTC day from `since` on are closed still (re-opening clears
 * closed_at): a range of the (tenant_id, status, closed_at) index, read alone.
 */
export async function countClosedPerDay(db: Kysely<Database>, tenantId: string, since: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('cases')
    .select([dayOf('closed_at').as('day'), (eb) => eb.fn.countAll<number>().as('count')])
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'CLOSED')
    .where('closed_at', '>=', since)
    .groupBy(dayOf('closed_at'))
    .execute()
  return new Map(rows.map((row) => [row.day, row.count]))
}

/**
 * The timings of the cases followed up or closed from `since` on: those in progress followed up
 * since, and those closed since. A closed case followed up since closed since too: a change never
 * happens before the case's latest (SPEC §9), so a case closes at or after its follow-up. Both are
 * ranges of the (tenant_id, status, closed_at) index: the cases in progress, and the window's closes.
 */
export async function listRecentTimings(db: Kysely<Database>, tenantId: string, since: string): Promise<CaseTimingRow[]> {
  return db
    .selectFrom('cases')
    .select(['opened_at', 'followed_up_at', 'closed_at'])
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'PROGRESS'), eb('followed_up_at', '>=', since)]),
        eb.and([eb('status', '=', 'CLOSED'), eb('closed_at', '>=', since)]),
      ]),
    )
    .execute()
}

/**
 * How many cases not closed each assignee has (null: unassigned). A case stores its assignee as the
 * user's e-mail is spelt, whatever the case of the request's: equal assignees are equal strings.
 */
export async function countOpenPerAssignee(db: Kysely<Database>, tenantId: string): Promise<{ assignee: string | null; count: number }[]> {
  const rows = await db
    .selectFrom('cases')
    .select(['assigned_to', (eb) => eb.fn.countAll<number>().as('count')])
    .where('tenant_id', '=', tenantId)
    .where('status', 'in', NOT_CLOSED)
    .groupBy('assigned_to')
    .execute()
  return rows.map((row) => ({ assignee: row.assigned_to, count: row.count }))
}
