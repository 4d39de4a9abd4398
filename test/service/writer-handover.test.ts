// The request thread hands calls to the writer thread every HANDOVER_CALLS within one event-loop
// turn (src/service/writer-thread.ts): the writer writes the first ones while the turn goes on.
// Seen from another connection while this thread is still in the turn that made the calls. And the
// text a batch of v4.1 calls crosses as: each caller once, each call its own copy back.

import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { authenticate } from '../../src/service/api-keys.js'
import { openServiceContext } from '../../src/service/database.js'
import { createCallerCache, keyConfirmed } from '../../src/service/cached-callers.js'
import { HANDOVER_CALLS, startWriterThread, workflowBatchRequests, workflowBatchText, type WriteRequest, type WriterJob } from '../../src/service/writer-thread.js'
import { createTestTenant } from '../helpers/server.js'

/** Long enough for the thread to commit what it was handed, on a slow machine too. */
const TURN_MS = 5_000

test(`calls made in one turn reach the writer thread by ${HANDOVER_CALLS} before the turn ends`, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'firehouse-handover-'))
  const file = join(dir, 'firehouse.db')
  const ctx = await openServiceContext(file)
  const calls = HANDOVER_CALLS * 2 + 5
  const tenant = await createTestTenant(ctx, { slug: 'acme', records: Array.from({ length: calls }, (_, i) => i + 1) })
  const caller = await authenticate(ctx, tenant.key, 'eu')
  const writer = startWriterThread(file, () => undefined)
  const observer = new BetterSqlite3(file, { readonly: true })
  t.after(async () => {
    observer.close()
    await writer.close()
    await ctx.store.close()
    await rm(dir, { recursive: true, force: true })
  })
  const written = observer.prepare<[], number>('select count(*) from history_entries').pluck()
  // The thread opens its connection first: one call, answered, before the turn under test.
  await writer.updateWorkflow(caller, { numberCustomergauge: 1, status: 'OPEN' }, {})
  const before = written.get()!

  const answers: Promise<unknown>[] = []
  for (let cgid = 2; cgid < calls + 1; cgid++) answers.push(writer.updateWorkflow(caller, { numberCustomergauge: cgid, status: 'OPEN' }, {}))
  // Still in the turn that made the calls: wait here, reading what the thread committed meanwhile.
  const handedBy = Math.floor((calls - 1) / HANDOVER_CALLS) * HANDOVER_CALLS
  const until = performance.now() + TURN_MS
  let duringTurn = 0
  while (performance.now() < until && duringTurn < handedBy) duringTurn = written.get()! - before
  assert.equal(duringTurn, handedBy, `the thread wrote ${duringTurn} of the ${calls - 1} calls before the turn ended`)

  await Promise.all(answers)
  assert.equal(written.get()! - before, calls - 1, 'the rest went at the end of the turn')
})

test('a batch of v4.1 calls crosses with each caller once, and each call gets back its own copy of its caller', () => {
  const remembered = createCallerCache()
  const base = { tenantId: 't1', actor: 'key:k1', bucketId: 'k1', rateLimit: null, admin: false }
  remembered.remember('hash-1', base, 'eu')
  remembered.remember('hash-2', { ...base, actor: 'key:k2', bucketId: 'k2', rateLimit: 7 }, 'eu')
  const confirmed = { ...base, actor: 'app:a1', bucketId: 'app:a1', admin: false }
  const callers = [remembered.recall('hash-1', 'eu')!, remembered.recall('hash-2', 'eu')!, remembered.recall('hash-1', 'eu')!, confirmed, { ...confirmed }]
  const requests: WriteRequest[] = callers.map((caller, i) => ({
    id: i + 1,
    job: { kind: 'workflow', caller, input: { numberCustomergauge: 10 + i, comment: `call ${i}` }, options: i === 2 ? { idempotencyKey: 'k', expectedVersion: 3 } : {} },
  }))
  const text = workflowBatchText(requests)
  assert.ok(text !== undefined)
  // A batch with a job of another kind crosses as a structured clone, not as this text.
  assert.equal(workflowBatchText([...requests, { id: 9, job: { kind: 'claim-deliveries', ids: [], claim: { owner: 'x', until: 'y' } as never } }]), undefined)
  // Two calls of key 1 share its caller; the two confirmed callers (no remembered key) each cross.
  assert.equal(text.split('"hash-1"').length - 1, 1)
  assert.equal(text.split('"hash-2"').length - 1, 1)
  assert.equal(text.split('"app:a1"').length - 1, 4)
  const crossed = workflowBatchRequests(text)
  // The same calls (a caller without a remembered key may come back with unconfirmedKey: undefined).
  assert.deepEqual(JSON.parse(JSON.stringify(crossed)), JSON.parse(JSON.stringify(requests)))
  const first = crossed[0]!.job as Extract<WriterJob, { kind: 'workflow' }>
  keyConfirmed(first.caller)
  assert.deepEqual((crossed[2]!.job as typeof first).caller.unconfirmedKey, { hash: 'hash-1', region: 'eu' }, 'confirming one call\'s caller confirmed another\'s')
})
