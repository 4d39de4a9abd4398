// Group commit: writes queued in one turn share a transaction (one commit, one fsync); a failing one
// undoes only itself, even when it fails after it has written.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { authenticate, type Caller } from '../../src/service/api-keys.js'
import { showCase } from '../../src/service/case-view.js'
import type { ServiceContext } from '../../src/service/context.js'
import { inSharedTransaction } from '../../src/service/group-commit.js'
import { updateWorkflow } from '../../src/service/update-workflow.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { REFUSED_COMMENT, REFUSED_IDEMPOTENCY_KEY, refuseMarkedWrites } from '../helpers/database-refusals.js'
import { readTenantRows } from '../helpers/raw-tables.js'
import { createTestTenant } from '../helpers/server.js'
import { countWalCommits, emptyWal } from '../helpers/sqlite-wal.js'
import type { WorkflowInput } from '../../src/domain/workflow-input.js'

const sqlite = TEST_DATABASES.find((kind) => kind.name === 'sqlite')

/** A valid and an invalid change of case 1 or 2, alternating: `count` of them, every third invalid. */
function mixedInputs(count: number): WorkflowInput[] {
  return Array.from({ length: count }, (_, i): WorkflowInput =>
    i % 3 === 2
      ? { numberCustomergauge: 1 + (i % 2), assignedTo: 'nobody@example.com', comment: 'must not be written' }
      : { numberCustomergauge: 1 + (i % 2), status: ['PROGRESS', 'CLOSED', 'OPEN'][i % 3]!, comment: `ok ${i}` },
  )
}

async function acmeCaller(ctx: ServiceContext, records: number[]): Promise<Caller> {
  const acme = await createTestTenant(ctx, { slug: 'acme', records, users: ['des@example.com'] })
  return authenticate(ctx, acme.key, 'eu')
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] concurrent updates with invalid ones among them: every valid one commits, every invalid one changes nothing`, async (t) => {
    const { ctx } = await openTestContext(t, kind)
    const acme = await createTestTenant(ctx, { slug: 'acme', records: [1, 2], users: ['des@example.com'] })
    const caller = await authenticate(ctx, acme.key, 'eu')

    // Issued in one turn: on SQLite they share one transaction. Every third one is invalid in a
    // different way (unknown record, unknown assignee, unknown status).
    const invalid: WorkflowInput[] = [
      { numberCustomergauge: 99, status: 'CLOSED' },
      { numberCustomergauge: 1, assignedTo: 'nobody@example.com', comment: 'must not be written' },
      { numberCustomergauge: 2, status: 'SOMETIMES', comment: 'must not be written' },
    ]
    const inputs = Array.from({ length: 60 }, (_, i): WorkflowInput =>
      i % 3 === 2 ? invalid[Math.floor(i / 3) % invalid.length]! : { numberCustomergauge: 1 + (i % 2), status: ['PROGRESS', 'CLOSED', 'OPEN'][i % 3]!, comment: `ok ${i}` },
    )
    const outcomes = await Promise.allSettled(inputs.map((input) => updateWorkflow(ctx, caller, input)))

    const failedCodes = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [(outcome.reason as { code: number }).code] : []))
    assert.equal(failedCodes.length, 20)
    assert.deepEqual([...new Set(failedCodes)].sort(), [400011, 400200, 400201])
    for (const cgid of [1, 2]) {
      const view = await showCase(ctx, 'acme', cgid)
      const expected = inputs.filter((input, i) => input.numberCustomergauge === cgid && outcomes[i]!.status === 'fulfilled')
      // In order on SQLite (one batch); PostgreSQL commits concurrent transactions in any order.
      assert.deepEqual(view.history.map((entry) => entry.comment).sort(), expected.map((input) => input.comment).sort())
      assert.deepEqual(view.history.map((entry) => entry.seq), expected.map((_, i) => i + 1))
      for (let i = 1; i < view.history.length; i++) assert.equal(view.history[i]!.status_from, view.history[i - 1]!.status_to)
    }
  })

  test(`[${kind.name}] a shared transaction answers each unit with its own result or error`, async (t) => {
    const { ctx } = await openTestContext(t, kind)
    const outcomes = await Promise.allSettled([
      inSharedTransaction(ctx, async () => 'first'),
      inSharedTransaction(ctx, async () => {
        throw new Error('second fails')
      }),
      inSharedTransaction(ctx, async () => 'third'),
    ])
    assert.deepEqual(
      outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : (outcome.reason as Error).message)),
      ['first', 'second fails', 'third'],
    )
  })
}

test('[sqlite] the writes of one turn commit once: 40 of them (and 20 refused) make one commit frame in the WAL, where 3 in turn make 3', { skip: sqlite ? false : 'FIREHOUSE_TEST_DBS leaves SQLite out' }, async (t) => {
  const { ctx, database } = await openTestContext(t, sqlite!)
  const caller = await acmeCaller(ctx, [1, 2])

  // The count is a real one: three writes awaited one by one are three commits.
  emptyWal(database.url)
  for (const input of mixedInputs(2)) await updateWorkflow(ctx, caller, input)
  await updateWorkflow(ctx, caller, { numberCustomergauge: 1, comment: 'third' })
  assert.equal(countWalCommits(database.url), 3)

  emptyWal(database.url)
  const inputs = mixedInputs(60)
  const outcomes = await Promise.allSettled(inputs.map((input) => updateWorkflow(ctx, caller, input)))
  assert.equal(outcomes.filter((outcome) => outcome.status === 'fulfilled').length, 40)
  assert.equal(countWalCommits(database.url), 1, 'the writes of one turn were not committed together')
  assert.equal((await readTenantRows(ctx, 'acme')).history.length, 3 + 40)
})

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] writes refused after they wrote (the history entry, the idempotency key, the assignee) undo their sequence bump, case row and entry; the others of the turn commit`, async (t) => {
    const { ctx } = await openTestContext(t, kind)
    const caller = await acmeCaller(ctx, [1, 2, 3, 4])
    for (const cgid of [1, 2, 3, 4]) await updateWorkflow(ctx, caller, { numberCustomergauge: cgid, comment: 'opened' })
    await refuseMarkedWrites(ctx)
    const before = await readTenantRows(ctx, 'acme')

    // One turn: on SQLite one transaction, each call in its own savepoint; on PostgreSQL one each.
    const outcomes = await Promise.allSettled([
      updateWorkflow(ctx, caller, { numberCustomergauge: 1, status: 'PROGRESS', comment: 'kept' }),
      updateWorkflow(ctx, caller, { numberCustomergauge: 2, status: 'CLOSED', comment: REFUSED_COMMENT }),
      updateWorkflow(ctx, caller, { numberCustomergauge: 3, status: 'CLOSED', comment: 'undone with its key' }, { idempotencyKey: REFUSED_IDEMPOTENCY_KEY }),
      updateWorkflow(ctx, caller, { numberCustomergauge: 4, status: 'PROGRESS', comment: 'kept' }, { idempotencyKey: 'kept-key' }),
      updateWorkflow(ctx, caller, { numberCustomergauge: 2, status: 'CLOSED', assignedTo: 'nobody@example.com' }),
    ])

    assert.deepEqual(outcomes.map((outcome) => outcome.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled', 'rejected'])
    assert.equal((outcomes[4] as PromiseRejectedResult).reason.code, 400201)
    const after = await readTenantRows(ctx, 'acme')
    const seq = before.tenant.change_seq
    assert.equal(after.tenant.change_seq, seq + 2, 'a refused write kept its sequence number')
    const rowsOf = (rows: typeof before, cgid: number) => ({
      case: rows.cases.find((row) => row.number_customergauge === cgid),
      history: rows.history.filter((row) => row.number_customergauge === cgid),
    })
    for (const cgid of [2, 3]) assert.deepEqual(rowsOf(after, cgid), rowsOf(before, cgid), `case ${cgid} changed`)
    assert.deepEqual(after.idempotencyKeys.map((row) => row.key), ['kept-key'])
    for (const cgid of [1, 4]) assert.deepEqual(rowsOf(after, cgid).history.map((row) => row.comment), ['opened', 'kept'])
    assert.deepEqual([1, 4].map((cgid) => rowsOf(after, cgid).case?.change_seq).sort(), [seq + 1, seq + 2])
  })
}
