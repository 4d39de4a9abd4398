// What SQLite's hot path spares beyond what the identity test compares (the rows it leaves are the
// same either way): an API key looked up once per batch, an index page left out of the WAL when a
// change keeps the columns the index holds, and the column lists its statements take from the
// functions that give their values.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import type BetterSqlite3 from 'better-sqlite3'
import { createApiKey, hashApiKey, revokeApiKey, type Caller } from '../../src/service/api-keys.js'
import { runHotBatch, type HotCall, type HotOutcome } from '../../src/service/hot-path.js'
import { getTenant } from '../../src/service/tenants.js'
import type { WorkflowInput } from '../../src/domain/workflow-input.js'
import { columnsOf, prepareHotStatements } from '../../src/store/sqlite-hot-statements.js'
import { setCommitCheckpoints } from '../../src/store/wal-checkpoints.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant } from '../helpers/server.js'

const SQLITE = TEST_DATABASES.find((kind) => kind.name === 'sqlite')
const NOW = () => '2026-12-07T10:00:00.000Z'
const WAL_HEADER_BYTES = 32
const WAL_FRAME_HEADER_BYTES = 24

function outcomeOf(outcome: HotOutcome | undefined): string {
  if (outcome?.kind === 'written') return 'written'
  if (outcome?.kind === 'refused') return `refused ${outcome.error.code}`
  return String(outcome?.kind)
}

test('[sqlite] in one hot batch, the calls of a revoked key are refused 200000 wherever they fall, beside a valid key of the same tenant whose calls are written', { skip: SQLITE === undefined }, async (t) => {
  const { ctx } = await openTestContext(t, SQLITE!)
  const valid = await createTestTenant(ctx, { slug: 'acme', records: [1, 2, 3, 4] })
  const revoked = await createApiKey(ctx, 'acme', 'revoked')
  await revokeApiKey(ctx, 'acme', revoked.info.id)
  const tenant = await getTenant(ctx, 'acme')
  const callerOf = (key: string, id: string): Caller => ({
    tenantId: tenant.id,
    actor: `key:${id}`,
    bucketId: id,
    rateLimit: null,
    admin: false,
    unconfirmedKey: { hash: hashApiKey(key), region: 'eu' },
  })
  const byValid = callerOf(valid.key, valid.keyId)
  const byRevoked = callerOf(revoked.key, revoked.info.id)
  const call = (caller: Caller, cgid: number): HotCall => ({ caller, input: { numberCustomergauge: cgid, comment: `by ${caller.actor}` }, options: {} })

  const outcomes = runHotBatch(prepareHotStatements(ctx.store.dialect.sqlite!), [call(byValid, 1), call(byRevoked, 2), call(byValid, 3), call(byRevoked, 4)], NOW)
  assert.deepEqual(outcomes.map(outcomeOf), ['written', 'refused 200000', 'written', 'refused 200000'])
  const entries = ctx.store.dialect.sqlite!.prepare('select number_customergauge from history_entries order by number_customergauge').pluck().all()
  assert.deepEqual(entries, [1, 3])
})

/** The pages whose frames are in the WAL file of `database` now. */
function pagesInWal(database: BetterSqlite3.Database): Set<number> {
  const pageBytes = database.pragma('page_size', { simple: true }) as number
  const wal = readFileSync(`${database.name}-wal`)
  const pages = new Set<number>()
  for (let frame = WAL_HEADER_BYTES; frame + WAL_FRAME_HEADER_BYTES <= wal.length; frame += WAL_FRAME_HEADER_BYTES + pageBytes) pages.add(wal.readUInt32BE(frame))
  return pages
}

test('[sqlite] a hot change that keeps a closed case closed writes no page of the status index to the WAL; one that closes a case does', { skip: SQLITE === undefined }, async (t) => {
  const { ctx } = await openTestContext(t, SQLITE!)
  const cgids = Array.from({ length: 2_000 }, (_, i) => i + 1)
  // Detractors: each record gets an open case, so the status index holds 2,000 entries over several pages.
  await createTestTenant(ctx, { slug: 'acme', records: cgids, detractors: cgids })
  const tenant = await getTenant(ctx, 'acme')
  const caller: Caller = { tenantId: tenant.id, actor: 'key:test', bucketId: 'test', rateLimit: null, admin: false }
  const sqlite = ctx.store.dialect.sqlite!
  // Only the batches below write to the WAL, and nothing copies it back meanwhile.
  setCommitCheckpoints(sqlite, false)
  const statements = prepareHotStatements(sqlite)
  const change = (input: WorkflowInput): void => {
    const [outcome] = runHotBatch(statements, [{ caller, input, options: {} }], NOW)
    assert.equal(outcomeOf(outcome), 'written')
  }
  const statusIndexPages = (): number[] =>
    sqlite.prepare("select pageno from dbstat where name = 'cases_tenant_status_closed'").pluck().all() as number[]
  const statusIndexPagesWritten = (input: WorkflowInput): number[] => {
    sqlite.pragma('wal_checkpoint(TRUNCATE)')
    change(input)
    const written = pagesInWal(sqlite)
    assert.ok(written.size > 0, 'the change wrote to the WAL')
    return statusIndexPages().filter((page) => written.has(page))
  }
  assert.ok(statusIndexPages().length > 1, 'the index spans several pages')

  change({ numberCustomergauge: 1_000, status: 'CLOSE' })
  assert.deepEqual(statusIndexPagesWritten({ numberCustomergauge: 1_000, comment: 'a word after closing' }), [])
  assert.deepEqual(statusIndexPagesWritten({ numberCustomergauge: 1_000, status: 'CLOSE', assignedTo: undefined, comment: 'closed again' }), [])
  assert.notDeepEqual(statusIndexPagesWritten({ numberCustomergauge: 1_500, status: 'CLOSE' }), [], 'closing a case rewrites its entry of the index')
  const closed = sqlite.prepare('select number_customergauge, status from cases where number_customergauge in (1000, 1500) order by 1').raw().all()
  assert.deepEqual(closed, [
    [1_000, 'CLOSED'],
    [1_500, 'CLOSED'],
  ])
})

test("the hot path's column lists come from the functions that give the values, and must be the general path's columns", () => {
  interface Row {
    a: number
    b: string
    c: boolean
  }
  const values = (row: Row): unknown[] => [row.c, row.a, row.b]
  assert.deepEqual(columnsOf(values, ['a', 'b', 'c']), ['c', 'a', 'b'])
  assert.throws(() => columnsOf((row: Row) => [row.a, row.b], ['a', 'b', 'c']), /are not the general path's/)
  assert.throws(() => columnsOf((row: Row) => [row.a, row.b, row.b], ['a', 'b', 'c']), /are not the general path's/)
})
