// The read side's queries use their indexes: the sync feed the change log's history_entries_change,
// the board's columns the same log or cases_tenant_status_closed and its counts the latter, the metrics summary cases_tenant_opened, on both databases (the plans are copied in
// docs/query-plans.md).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CompiledQuery, sql, type Compilable, type Kysely } from 'kysely'
import type { ServiceContext } from '../../src/service/context.js'
import { importRecords } from '../../src/service/import-records.js'
import { createTenant } from '../../src/service/tenants.js'
import { updateCase } from '../../src/service/update-workflow.js'
import { COLUMN_READING, countQuery, fromTheLogQuery, newestOfAllQuery } from '../../src/store/board.js'
import { caseChangesQuery, caseTimingsQuery } from '../../src/store/case-reads.js'
import type { Database } from '../../src/store/database.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { surveyRecord } from '../helpers/server.js'

type QueryOf = (db: Kysely<Database>) => Compilable

/**
 * The plan of a query, one line per node. PostgreSQL runs it with sequential scans off on the same
 * connection: on a table this small a sequential scan is the right choice, and the test asks which
 * index the planner *can* use once the table is large.
 */
async function planOf(ctx: ServiceContext, queryOf: QueryOf): Promise<string[]> {
  const { db, dialect } = ctx.store
  if (dialect.name === 'sqlite') {
    const { sql: text, parameters } = queryOf(db).compile()
    const { rows } = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${text}`, [...parameters]))
    return rows.map((row) => row.detail)
  }
  return db.connection().execute(async (connection) => {
    await sql`set enable_seqscan = off`.execute(connection)
    try {
      const { sql: text, parameters } = queryOf(connection).compile()
      const { rows } = await connection.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${text}`, [...parameters]))
      return rows.map((row) => row['QUERY PLAN'])
    } finally {
      await sql`reset enable_seqscan`.execute(connection)
    }
  })
}

/** A plan as one text (printed when FIREHOUSE_PRINT_PLANS is set), and the message its assertions fail with. */
function readPlan(engine: string, plan: readonly string[], what: string): { text: string; message: string } {
  const text = plan.join('\n')
  if (process.env.FIREHOUSE_PRINT_PLANS) console.log(`-- ${engine}: ${what}\n${text}\n`)
  return { text, message: `${what}:\n${text}` }
}

/**
 * Asserts the plan reads cases through `index`, bounded on `column` (its second column) where one
 * is given, and never scans the whole table. SQLite must also read in index order (no temporary
 * sort); PostgreSQL may sort what the index range returned (a bitmap scan of a few rows), never more.
 */
function assertUsesIndex(engine: string, plan: readonly string[], index: RegExp, column: string | null, what: string): void {
  const { text, message } = readPlan(engine, plan, what)
  if (engine === 'sqlite') {
    const bound = column ? ` AND ${column}[<>]` : ''
    assert.match(text, new RegExp(`SEARCH cases USING (COVERING )?INDEX ${index.source} \\(tenant_id=\\?${bound}`), message)
    assert.doesNotMatch(text, /SCAN cases(?! USING)/, message)
    assert.doesNotMatch(text, /TEMP B-TREE/, message)
  } else {
    const bound = column ? ` AND \\(${column} [<>]` : ''
    assert.match(text, new RegExp(`(Index Scan|Index Only Scan|Bitmap Index Scan) (using|on) ${index.source} on cases|Bitmap Index Scan on ${index.source} `), message)
    assert.match(text, new RegExp(`Index Cond: \\(\\(?tenant_id = '[^']+'::text\\)${bound}`), message)
    assert.doesNotMatch(text, /Seq Scan/, message)
  }
}

/**
 * Asserts the feed's plan reads the change log through history_entries_change, bounded on the
 * tenant and change_seq, and looks each case up by its key, per entry: never a scan of either
 * table, nor a join of all the tenant's cases. SQLite reads the log in its order (no sort);
 * PostgreSQL may sort what a bitmap scan of the log's range returned (the few entries after a
 * resumed cursor), never more.
 */
function assertReadsChangeLog(engine: string, plan: readonly string[], what: string): void {
  const { text, message } = readPlan(engine, plan, what)
  if (engine === 'sqlite') {
    assert.match(text, /^SEARCH h USING (COVERING )?INDEX history_entries_change \(tenant_id=\? AND change_seq>\?\)$/m, message)
    assert.match(text, /^SEARCH c USING INDEX sqlite_autoindex_cases_1 \(tenant_id=\? AND number_customergauge=\?\)$/m, message)
    assert.doesNotMatch(text, /SCAN|TEMP B-TREE/, message)
  } else {
    assert.match(text, /(Index (Only )?Scan using|Bitmap Index Scan on) history_entries_change/, message)
    assert.match(text, /Index Cond: \(\(tenant_id = '[^']+'::text\) AND \(change_seq > '\d+'::bigint\)\)/, message)
    assert.match(text, /Index Scan using cases_pk on cases\s+\(.*\n\s+Index Cond: \(\(tenant_id = h\.tenant_id\) AND \(number_customergauge = h\.number_customergauge\)\)/, message)
    assert.doesNotMatch(text, /Seq Scan|Hash Join|Merge Join/, message)
    if (/Sort/.test(text)) assert.match(text, /Bitmap Index Scan on history_entries_change/, message)
  }
}

/**
 * Asserts a board column read from the change log reads history_entries_change backwards, in its
 * order (no sort), each case by its key, even where a filter on the case (the Closed column's
 * closed_at bound) could be read by an index.
 */
function assertReadsPhaseLog(engine: string, plan: readonly string[], what: string): void {
  const { text, message } = readPlan(engine, plan, what)
  if (engine === 'sqlite') {
    // The cases chosen (a co-routine), then their records; only those `limit` rows are sorted again.
    const [chosen = '', joined = ''] = text.split(/^SCAN c$/m)
    // The window's bound (the phase's latest entries, a scalar subquery read from the index alone), then the log from it.
    assert.match(chosen, /^SEARCH h USING COVERING INDEX history_entries_change \(tenant_id=\? AND change_seq>\?\)$/m, message)
    assert.match(chosen, /^SEARCH w USING COVERING INDEX history_entries_change \(tenant_id=\?\)$/m, message)
    assert.match(chosen, /^SEARCH c USING INDEX sqlite_autoindex_cases_1 \(tenant_id=\? AND number_customergauge=\?\)$/m, message)
    assert.doesNotMatch(chosen, /SCAN|TEMP B-TREE/, message)
    assert.doesNotMatch(joined, /SCAN/, message)
  } else {
    // The limited cases chosen from the log, then their records and the sort of those rows. The
    // window's bound is an InitPlan: on a table this small the planner may read the tenant's
    // entries for it and sort them; the log itself is read backwards from that bound.
    const limit = Math.max(0, text.search(/->\s+Limit/))
    const [chosen, joined] = [text.slice(0, limit), withoutInitPlans(text.slice(limit))]
    assert.doesNotMatch(text, /Seq Scan/, message)
    // Where it expects few matches, the planner may sort what a bitmap scan of the phase's range
    // of the log returned, as for the feed; never anything else.
    assert.match(joined, /(Index (Only )?Scan Backward using|Bitmap Index Scan on) history_entries_change/, message)
    assert.match(joined, /Index Scan using cases_pk on cases/, message)
    assert.doesNotMatch(joined, /Seq Scan|Hash Join|Merge Join/, message)
    if (/Sort/.test(joined)) assert.match(joined, /Bitmap Index Scan on history_entries_change/, message)
    assert.doesNotMatch(chosen, /Seq Scan/, message)
  }
}

/** A PostgreSQL plan without its InitPlans' subtrees (the InitPlan line and every line indented below it). */
function withoutInitPlans(text: string): string {
  const kept: string[] = []
  let initPlanIndent = -1
  for (const line of text.split('\n')) {
    const indent = line.length - line.trimStart().length
    if (initPlanIndent >= 0 && indent > initPlanIndent) continue
    initPlanIndent = /^\s*InitPlan \d/.test(line) ? indent : -1
    if (initPlanIndent < 0) kept.push(line)
  }
  return kept.join('\n')
}

/** Asserts a board count reads the phase's range of cases_tenant_status_closed (SQLite: the index alone). */
function assertCountsFromIndex(engine: string, plan: readonly string[], bound: boolean, what: string): void {
  const { text, message } = readPlan(engine, plan, what)
  if (engine === 'sqlite') {
    const range = bound ? ' AND closed_at>\\?' : ''
    assert.match(text, new RegExp(`^SEARCH c USING COVERING INDEX cases_tenant_status_closed \\(tenant_id=\\? AND status=\\?${range}\\)$`, 'm'), message)
    assert.doesNotMatch(text, /SCAN/, message)
  } else {
    // An index-only scan once the visibility map is set (vacuum); on a fresh table a bitmap scan of the same range.
    assert.match(text, /(Index Only Scan using cases_tenant_status_closed on cases c|Bitmap Index Scan on cases_tenant_status_closed)/, message)
    assert.match(text, /Index Cond: \(\(tenant_id = '[^']+'::text\) AND \(status = '[A-Z]+'::text\)/, message)
    assert.doesNotMatch(text, /Seq Scan/, message)
  }
}

const SINCE = '2026-01-01T00:00:00.000Z'

/** The cases of the last tenant then closed (1 … CHANGED) and put in progress (CHANGED + 1 … 2 × CHANGED). */
const CHANGED = 100

/** The tenant's change sequence ends at CASES + 2 × CHANGED; a sync job resumes near its end. */
const CASES = 500
const RESUME = CASES + 2 * CHANGED - 10

const FEED_QUERIES: Array<[string, Parameters<typeof caseChangesQuery>[3]]> = [
  ['feed, first page', { afterSeq: 0, limit: 101 }],
  ['feed, resumed', { afterSeq: RESUME, limit: 101 }],
  ['feed, resumed, status', { afterSeq: RESUME, phase: 'OPEN', limit: 101 }],
  ['feed, resumed, assignee', { afterSeq: RESUME, assignedTo: 'des@acme.test', limit: 101 }],
  ['feed, resumed, updated_since', { afterSeq: RESUME, updatedSince: '2026-11-27T00:00:00.000Z', limit: 101 }],
  ['feed, resumed, all filters', { afterSeq: RESUME, phase: 'CLOSED', assignedTo: 'des@acme.test', updatedSince: '2026-11-27T00:00:00.000Z', limit: 8 }],
]

const TIMINGS_QUERIES: Array<[string, Parameters<typeof caseTimingsQuery>[2]]> = [
  ['summary, from', { from: '2026-11-01T00:00:00.000Z' }],
  ['summary, from and to', { from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' }],
  ['summary, to', { to: '2026-12-01T00:00:00.000Z' }],
]

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] the read side's queries use their indexes`, async (t) => {
    const { ctx, tenantId } = await openWithCases(kind, t)
    await t.test("the sync feed's query reads the change log in order, each case by its key: the first page, and a resumed one with or without filters", async () => {
      for (const [what, query] of FEED_QUERIES) {
        assertReadsChangeLog(kind.name, await planOf(ctx, (db) => caseChangesQuery(db, ctx.store.dialect.name, tenantId, query)), what)
      }
    })
    await t.test("the board reads a large column from the phase's change log in its order, a small one by the phase's index, and its counts from that index alone", async () => {
      const db = ctx.store.db
      const dialect = ctx.store.dialect.name
      const columns: Array<[string, Parameters<typeof fromTheLogQuery>[2]]> = [
        ['board column from the log', { tenantId, phase: 'OPEN', filter: {}, limit: 50 }],
        ['board column from the log, Closed in 30 days', { tenantId, phase: 'CLOSED', filter: { closedSince: SINCE }, limit: 50 }],
        ['board column from the log, assignee', { tenantId, phase: 'PROGRESS', filter: { assignee: 'des@acme.test' }, limit: 50 }],
      ]
      // PostgreSQL, expecting a search to match a few of this small table's entries, may read them
      // all by the tenant and sort them; on a large table the cost of that decides.
      if (kind.name === 'sqlite') {
        columns.push(['board column from the log, Closed in 30 days, search', { tenantId, phase: 'CLOSED', filter: { closedSince: SINCE, search: 'abc' }, limit: 50 }])
      }
      for (const [what, column] of columns) assertReadsPhaseLog(kind.name, await planOf(ctx, () => fromTheLogQuery(db, dialect, column, COLUMN_READING.logWindow)), what)
      if (kind.name === 'sqlite') {
        const plan = await planOf(ctx, () => newestOfAllQuery(db, { tenantId, phase: 'CLOSED', filter: { closedSince: SINCE }, limit: 50 }))
        assert.match(plan.join('\n'), /^SEARCH c USING INDEX cases_tenant_status_closed \(tenant_id=\? AND status=\? AND closed_at>\?\)$/m, plan.join('\n'))
      }
      assertCountsFromIndex(kind.name, await planOf(ctx, () => countQuery(db, tenantId, 'CLOSED', { closedSince: SINCE })), true, 'board count, Closed in 30 days')
      // PostgreSQL reads a phase that is every case of the tenant (all OPEN here) by any index on the tenant.
      if (kind.name === 'sqlite') assertCountsFromIndex(kind.name, await planOf(ctx, () => countQuery(db, tenantId, 'OPEN', {})), false, 'board count')
    })
    await t.test("the metrics summary's query reads cases_tenant_opened for a range, and an index on the tenant without one", async () => {
      for (const [what, range] of TIMINGS_QUERIES) {
        assertUsesIndex(kind.name, await planOf(ctx, (db) => caseTimingsQuery(db, tenantId, range)), /cases_tenant_opened/, 'opened_at', what)
      }
      // Without bounds every index that starts with tenant_id serves; the table is still never scanned.
      assertUsesIndex(kind.name, await planOf(ctx, (db) => caseTimingsQuery(db, tenantId, {})), /\w+/, null, 'summary, no bounds')
    })
  })
}

/** The two instants the cases open at, half each: a summary's bound (TIMINGS_QUERIES) keeps half of them. */
const OPENED_AT = ['2026-10-15T00:00:00.000Z', '2026-12-15T00:00:00.000Z']

/**
 * A fresh, migrated database with two tenants of CASES auto-opened cases each, the last tenant's
 * phases mixed by 2 × CHANGED changes; closed and dropped after the test.
 */
async function openWithCases(kind: (typeof TEST_DATABASES)[number], t: { after: (fn: () => Promise<void>) => void }) {
  const { ctx } = await openTestContext(t, kind)
  let tenantId = ''
  for (const slug of ['acme', 'other']) {
    const tenant = await createTenant(ctx, { slug, region: 'eu' })
    tenantId = tenant.id
    for (const [half, openedAt] of OPENED_AT.entries()) {
      ctx.now = () => new Date(openedAt)
      const records = Array.from({ length: CASES / 2 }, (_, i) => surveyRecord(half * (CASES / 2) + i + 1, 2))
      await importRecords(ctx, slug, records)
    }
  }
  ctx.now = () => new Date('2026-12-16T00:00:00.000Z')
  for (let cgid = 1; cgid <= 2 * CHANGED; cgid++) {
    await updateCase(ctx, { tenantId, actor: 'user:des@acme.test' }, { numberCustomergauge: cgid, status: cgid <= CHANGED ? 'CLOSED' : 'PROGRESS' })
  }
  // Statistics as a running database has them (PostgreSQL's autovacuum; SQLite's after `PRAGMA
  // optimize` or ANALYZE): without any, PostgreSQL estimates one row and any index starting with
  // tenant_id looks as good as another; with them, SQLite would start a Closed column from its
  // closed_at bound if the join let it (joinedInSqlite's CROSS JOIN).
  await sql`analyze`.execute(ctx.store.db)
  return { ctx, tenantId }
}
