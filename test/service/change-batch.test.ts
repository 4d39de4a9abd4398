// PostgreSQL's batched writes (src/service/change-batch.ts): what the identity test's calls, run one
// batch at a time, cannot show — that a turn's calls share one commit, that a case met twice in a
// batch is changed twice in order, that a case changed between the batch's read and its write
// is left to the single-call path while the batch's other changes are written, and that an
// Idempotency-Key a twin stored in between leaves its tenant's whole statement unwritten.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import pg from 'pg'
import type { Caller } from '../../src/service/api-keys.js'
import { runChangeBatch, type BatchedCall } from '../../src/service/change-batch.js'
import type { ServiceContext } from '../../src/service/context.js'
import { hashRequest, storedResponse } from '../../src/service/idempotency.js'
import { getTenant } from '../../src/service/tenants.js'
import { updateWorkflow } from '../../src/service/update-workflow.js'
import { openTestContext, TEST_DATABASES, type TestDatabase } from '../helpers/databases.js'
import { createTestTenant } from '../helpers/server.js'

const POSTGRES = TEST_DATABASES.find((kind) => kind.name === 'postgres')
const CGIDS = Array.from({ length: 40 }, (_, i) => i + 1)

async function setUp(t: Parameters<typeof openTestContext>[0]): Promise<{ ctx: ServiceContext; database: TestDatabase; caller: Caller }> {
  const { ctx, database } = await openTestContext(t, POSTGRES!)
  const { keyId } = await createTestTenant(ctx, { slug: 'acme', records: CGIDS })
  const tenant = await getTenant(ctx, 'acme')
  return { ctx, database, caller: { tenantId: tenant.id, actor: `key:${keyId}`, bucketId: keyId, rateLimit: null, admin: false } }
}

function call(caller: Caller, cgid: number, fields: { status?: string; comment?: string } = {}): BatchedCall {
  return { writer: { tenantId: caller.tenantId, actor: caller.actor }, input: { numberCustomergauge: cgid, ...fields }, caller }
}

test('[postgres] the calls of one turn are written by one statement: one transaction for all of them', { skip: POSTGRES === undefined }, async (t) => {
  const { ctx, caller } = await setUp(t)
  await Promise.all(CGIDS.map((cgid) => updateWorkflow(ctx, caller, { numberCustomergauge: cgid, status: 'PROGRESS' })))
  // xmin: the transaction that wrote each row.
  const { rows } = await sql<{ transactions: number; entries: number }>`
    select count(distinct xmin::text)::int as transactions, count(*)::int as entries from history_entries`.execute(ctx.store.db)
  assert.deepEqual(rows[0], { transactions: 1, entries: CGIDS.length })
})

test('[postgres] a case met twice in one batch is changed twice, in the order of the calls', { skip: POSTGRES === undefined }, async (t) => {
  const { ctx, caller } = await setUp(t)
  const outcomes = await runChangeBatch(ctx, [
    call(caller, 1, { status: 'PROGRESS' }),
    call(caller, 2),
    call(caller, 1, { status: 'CLOSED', comment: 'done' }),
  ])
  assert.deepEqual(outcomes, [
    { kind: 'written', queued: 0 },
    { kind: 'written', queued: 0 },
    { kind: 'written', queued: 0 },
  ])
  const { rows } = await sql<{ number_customergauge: number; seq: number; status_from: string | null; status_to: string }>`
    select number_customergauge, seq, status_from, status_to from history_entries order by number_customergauge, seq`.execute(ctx.store.db)
  assert.deepEqual(rows, [
    { number_customergauge: 1, seq: 1, status_from: null, status_to: 'PROGRESS' },
    { number_customergauge: 1, seq: 2, status_from: 'PROGRESS', status_to: 'CLOSED' },
    { number_customergauge: 2, seq: 1, status_from: null, status_to: 'OPEN' },
  ])
  const sequence = await sql<{ number_customergauge: number; change_seq: number }>`
    select number_customergauge, change_seq from cases order by change_seq`.execute(ctx.store.db)
  assert.deepEqual(sequence.rows.map((row) => row.number_customergauge), [2, 1])
})

test('[postgres] a case changed between the batch read and write is left to the single-call path; the rest of the batch is written', { skip: POSTGRES === undefined }, async (t) => {
  const { ctx, database, caller } = await setUp(t)
  await updateWorkflow(ctx, caller, { numberCustomergauge: 1, status: 'PROGRESS' })
  // Another writer holds the tenant's lock, which the batch's write takes first: the batch reads, then waits.
  const other = new pg.Client({ connectionString: database.url })
  await other.connect()
  await other.query('begin')
  await other.query('select change_seq from tenants where id = $1 for update', [caller.tenantId])
  const batch = runChangeBatch(ctx, [call(caller, 1, { status: 'CLOSED' }), call(caller, 2, { status: 'CLOSED' })])
  await waitForLockWait(other)
  // The other writer changes case 1 (its next entry, as any write path would) and commits.
  await other.query("update cases set history_count = 2, status = 'OPEN', status_label = 'OPEN' where tenant_id = $1 and number_customergauge = 1", [caller.tenantId])
  await other.query(
    `insert into history_entries (tenant_id, number_customergauge, seq, at, happened_at, actor, status_from, status_to, status_label_from, status_label_to)
     values ($1, 1, 2, 'x', 'x', 'other', 'PROGRESS', 'OPEN', 'PROGRESS', 'OPEN')`,
    [caller.tenantId],
  )
  await other.query('commit')
  await other.end()
  assert.deepEqual(await batch, [{ kind: 'single' }, { kind: 'written', queued: 0 }])
  const { rows } = await sql<{ number_customergauge: number; history_count: number; status: string }>`
    select number_customergauge, history_count, status from cases order by 1`.execute(ctx.store.db)
  assert.deepEqual(rows, [
    { number_customergauge: 1, history_count: 2, status: 'OPEN' },
    { number_customergauge: 2, history_count: 1, status: 'CLOSED' },
  ])
})

test('[postgres] an Idempotency-Key stored by a twin between the batch read and write: nothing of the statement is written, and the retry replays the twin', { skip: POSTGRES === undefined }, async (t) => {
  const { ctx, database, caller } = await setUp(t)
  const keyed: BatchedCall = { ...call(caller, 1, { status: 'CLOSED' }), idempotencyKey: 'twin' }
  const other = new pg.Client({ connectionString: database.url })
  await other.connect()
  await other.query('begin')
  await other.query('select change_seq from tenants where id = $1 for update', [caller.tenantId])
  const batch = runChangeBatch(ctx, [keyed, call(caller, 2, { status: 'CLOSED' })])
  await waitForLockWait(other)
  // The twin, on another node, claimed the key meanwhile (its case write is left out here).
  await other.query('insert into idempotency_keys (tenant_id, key, request_hash, response, created_at) values ($1, $2, $3, $4, $5)', [
    caller.tenantId,
    'twin',
    hashRequest(caller.tenantId, keyed.input),
    storedResponse(1),
    new Date().toISOString(),
  ])
  await other.query('commit')
  await other.end()
  assert.deepEqual(await batch, [{ kind: 'single' }, { kind: 'single' }])
  const { rows } = await sql<{ entries: number; keys: number }>`
    select (select count(*)::int from history_entries) as entries, (select count(*)::int from idempotency_keys) as keys`.execute(ctx.store.db)
  assert.deepEqual(rows[0], { entries: 0, keys: 1 })
  const retry = await updateWorkflow(ctx, caller, { numberCustomergauge: 1, status: 'CLOSED' }, { idempotencyKey: 'twin' })
  assert.deepEqual(retry, { numberCustomergauge: 1, replayed: true })
})

/** Until another backend of this database waits for a lock (the batch's write, queued behind `other`). */
async function waitForLockWait(other: pg.Client): Promise<void> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const { rows } = await other.query<{ waiting: number }>(
      "select count(*)::int as waiting from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
    )
    if (rows[0]!.waiting > 0) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  assert.fail('the batch never waited for the tenant lock')
}
