// The request thread hands calls to the writer thread every HANDOVER_CALLS within one event-loop
// turn (src/service/writer-thread.ts): the writer writes the first ones while the turn goes on.
// Seen from another connection while this thread is still in the turn that made the calls.

import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { authenticate } from '../../src/service/api-keys.js'
import { openServiceContext } from '../../src/service/database.js'
import { HANDOVER_CALLS, startWriterThread } from '../../src/service/writer-thread.js'
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
