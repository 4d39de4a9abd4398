// The board's ways of reading a column (src/store/board.ts: whole, from the change log, from a
// window of it with the whole read behind) give the same cards, and the cards a plain reading of
// every case gives: the matching cases of the phase, latest change first. The
// cases come from generated changes through the services (statuses back and forth, assignees,
// comments, closes an hour apart), for two tenants, on both databases; and on cases written before
// the migration that brought these reads.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createServiceContext, type ServiceContext } from '../../src/service/context.js'
import { importRecords } from '../../src/service/import-records.js'
import { createTenant } from '../../src/service/tenants.js'
import { updateCase } from '../../src/service/update-workflow.js'
import { addUser } from '../../src/service/users.js'
import { PHASES } from '../../src/domain/status.js'
import { migrateToLatest } from '../../src/store/migrate.js'
import {
  COLUMN_READING,
  countBoardCards,
  fromTheLogQuery,
  listBoardCards,
  newestOfAllQuery,
  type BoardCardRow,
  type BoardFilter,
  type ColumnReading,
} from '../../src/store/board.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { openBeforeMigration } from '../helpers/migrations.js'

/** The migration that gave the board its change-log reads. */
const MIGRATION = '2026-12-07-14-board-by-change'
const RECORDS = 120
const CHANGES = 600
const AGENTS = ['ann@acme.test', 'Bob@acme.test']
const STATUSES = ['OPEN', 'PROGRESS', 'CLOSED']

/** A small deterministic generator, so a failure can be replayed. */
function generator(seed: number): (below: number) => number {
  // xorshift32: 32-bit integer steps, exact in JavaScript numbers.
  let state = seed >>> 0 || 1
  return (below) => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    state >>>= 0
    return state % below
  }
}

interface Seeded {
  tenantId: string
  /** The instant half of the closes happened before. */
  middle: string
}

/** RECORDS survey records per tenant (every second one a detractor, opened on import), then CHANGES random changes, one hour apart. */
async function seed(ctx: ServiceContext): Promise<Seeded> {
  let clock = Date.parse('2026-10-01T00:00:00.000Z')
  ctx.now = () => new Date(clock)
  const next = generator(17)
  const tenantIds: string[] = []
  for (const slug of ['acme', 'other']) {
    const tenant = await createTenant(ctx, { slug, region: 'eu' })
    tenantIds.push(tenant.id)
    for (const email of AGENTS) await addUser(ctx, slug, email)
    const records = Array.from({ length: RECORDS }, (_, i) => ({
      numberCustomergauge: i + 1,
      nps: i % 2 === 0 ? 3 : 9,
      comment: null,
      account: `Account ${i % 5}`,
      email: `customer${i + 1}@example.com`,
      firstName: 'Pat',
      lastName: `Number ${i + 1}`,
      dateCreation: null,
      extra: {},
    }))
    await importRecords(ctx, slug, records)
  }
  const startedAt = clock
  for (let change = 0; change < CHANGES; change++) {
    clock += 3_600_000
    const tenantId = tenantIds[next(4) === 0 ? 1 : 0]!
    const input = { numberCustomergauge: 1 + next(RECORDS), status: STATUSES[next(3)], comment: `change ${change}`, assignedTo: next(3) === 0 ? AGENTS[next(2)] : undefined }
    await updateCase(ctx, { tenantId, actor: 'user:ann@acme.test' }, input)
  }
  return { tenantId: tenantIds[0]!, middle: new Date((startedAt + clock) / 2).toISOString() }
}

/** Every case of the tenant with its record, as plain rows; the cards a column should show come from these. */
async function everyCase(ctx: ServiceContext, tenantId: string) {
  return ctx.store.db
    .selectFrom('cases as c')
    .innerJoin('records as r', (join) => join.onRef('r.tenant_id', '=', 'c.tenant_id').onRef('r.number_customergauge', '=', 'c.number_customergauge'))
    .select(['c.number_customergauge', 'c.status', 'c.assigned_to', 'c.closed_at', 'c.change_seq', 'r.nps'])
    .where('c.tenant_id', '=', tenantId)
    .execute()
}

const FILTERS: Array<[string, (middle: string) => BoardFilter]> = [
  ['no filter', () => ({})],
  ['closed since the middle', (middle) => ({ closedSince: middle })],
  ['unassigned', () => ({ assignee: null })],
  ['one assignee', () => ({ assignee: 'bob@acme.test' })],
  ['detractors', () => ({ npsMax: 6 })],
  ['promoters, closed since the middle', (middle) => ({ npsMin: 9, closedSince: middle })],
]

/** What a column must show, from every case: the matches, latest change first. Search is left to the identity check below. */
function expectedCgids(rows: Awaited<ReturnType<typeof everyCase>>, phase: string, filter: BoardFilter, limit: number): number[] {
  return rows
    .filter((row) => row.status === phase)
    .filter((row) => phase !== 'CLOSED' || filter.closedSince === undefined || (row.closed_at !== null && row.closed_at >= filter.closedSince))
    .filter((row) => filter.assignee === undefined || (filter.assignee === null ? row.assigned_to === null : row.assigned_to?.toLowerCase() === filter.assignee))
    .filter((row) => filter.npsMin === undefined || (row.nps !== null && row.nps >= filter.npsMin))
    .filter((row) => filter.npsMax === undefined || (row.nps !== null && row.nps <= filter.npsMax))
    .sort((a, b) => Number(b.change_seq) - Number(a.change_seq))
    .slice(0, limit)
    .map((row) => Number(row.number_customergauge))
}

/** A window of the log longer than any history here: the log read without its bound. */
const WHOLE_LOG = 1_000_000

/** The board's own reading, and readings that take the log for every column with windows from a few entries to all. */
const READINGS: ColumnReading[] = [COLUMN_READING, ...[1, 30, 150, WHOLE_LOG].map((logWindow) => ({ readAllUpTo: 0, logWindow }))]

const cgids = (cards: BoardCardRow[]) => cards.map((card) => Number(card.number_customergauge))

/**
 * Compares, for every phase and filter and a range of column sizes, the two ways of reading a
 * column with each other and with every case read plainly; returns how many cards were compared.
 */
async function assertColumnsAgree(ctx: ServiceContext, tenantId: string, middle: string): Promise<number> {
  const dialect = ctx.store.dialect.name
  const rows = await everyCase(ctx, tenantId)
  let compared = 0
  for (const phase of PHASES) {
    for (const [what, filterOf] of FILTERS) {
      const filter = filterOf(middle)
      const all = expectedCgids(rows, phase, filter, Number.MAX_SAFE_INTEGER)
      assert.equal(await countBoardCards(ctx.store.db, tenantId, phase, filter), all.length, `${phase}, ${what}: the count`)
      for (const limit of [1, 7, 50, 1000]) {
        const column = { tenantId, phase, filter, limit }
        const expected = expectedCgids(rows, phase, filter, limit)
        const whole = await newestOfAllQuery(ctx.store.db, column).execute()
        const logged = await fromTheLogQuery(ctx.store.db, dialect, column, WHOLE_LOG).execute()
        assert.deepEqual(cgids(whole), expected, `${phase}, ${what}, ${limit} cards, read whole`)
        assert.deepEqual(cgids(logged), expected, `${phase}, ${what}, ${limit} cards, from the log`)
        assert.deepEqual(logged, whole, `${phase}, ${what}, ${limit} cards: the same columns`)
        // The column as the board reads it, with windows of the log too short for some columns
        // (4 entries per card at least): those are read whole after all.
        for (const reading of READINGS) {
          const listed = await listBoardCards(ctx.store.db, dialect, column, all.length, reading)
          assert.deepEqual(listed, whole, `${phase}, ${what}, ${limit} cards, read as ${JSON.stringify(reading)}`)
        }
        compared += expected.length
      }
    }
    // Search matches text of the survey record, or a CG-ID: both ways agree.
    for (const search of ['account 3', 'NUMBER 1', '7', 'example.com']) {
      const column = { tenantId, phase, filter: { search }, limit: 50 }
      const whole = await newestOfAllQuery(ctx.store.db, column).execute()
      assert.deepEqual(await fromTheLogQuery(ctx.store.db, dialect, column, WHOLE_LOG).execute(), whole, `${phase}, search ${search}`)
    }
  }
  return compared
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] a column read whole and a column read from the change log show the same cards: the matching cases, latest change first`, async (t) => {
    const { ctx } = await openTestContext(t, kind)
    const { tenantId, middle } = await seed(ctx)
    const compared = await assertColumnsAgree(ctx, tenantId, middle)
    // The generated changes leave every column, filtered or not, with cards to compare.
    assert.ok(compared > 300, `only ${compared} cards compared`)
  })

  test(`[${kind.name}] on cases written before migration ${MIGRATION}, both ways show the same cards once it has run`, async (t) => {
    const store = await openBeforeMigration(kind, t, MIGRATION)
    const ctx = createServiceContext(store)
    const { tenantId, middle } = await seed(ctx)
    const { applied } = await migrateToLatest(store.db)
    assert.ok(applied.includes(MIGRATION))
    assert.ok((await assertColumnsAgree(ctx, tenantId, middle)) > 300)
  })
}
