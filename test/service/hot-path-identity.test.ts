// SQLite's hot path (src/service/hot-path.ts, hand-written statements on the writer thread) and the
// general path (updateWorkflow with Kysely, savepoints and group commit) must be one behaviour:
// the same 10,000 generated calls, a third of them with an Idempotency-Key, in batches of random
// sizes, with the same clock, get the same outcomes (written, replayed, or refused with the same
// code and message) and leave byte-identical tables, the stored keys and the webhook outbox included.

import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import fc from 'fast-check'
import { sql } from 'kysely'
import { FirehouseError } from '../../src/domain/errors.js'
import { openServiceContext } from '../../src/service/database.js'
import { runHotBatch, type HotCall } from '../../src/service/hot-path.js'
import { updateWorkflow } from '../../src/service/update-workflow.js'
import { prepareHotStatements } from '../../src/store/sqlite-hot-statements.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import {
  batchSizeArbitrary,
  keyedCallArbitrary,
  COMPARED_TABLES,
  concreteCall,
  dumpDeliveries,
  dumpTable,
  EVERY_OUTCOME,
  setUpGeneratedTenants,
  GENERATED_CALL_COUNT,
  GENERATED_CALLS_START,
  outcomeName,
  type CallOutcome as Outcome,
} from '../helpers/generated-calls.js'

const SQLITE = TEST_DATABASES.find((kind) => kind.name === 'sqlite')

test('[sqlite] the hot path and the general path: the same outcomes and identical tables for 10,000 generated calls', { skip: SQLITE === undefined }, async (t) => {
  const { ctx: general, database } = await openTestContext(t, SQLITE!)
  const callers = await setUpGeneratedTenants(general)
  // The hot side starts from a copy of the same file: the same tenants, keys and records, ids and all.
  const copy = join(database.url, '..', 'hot-copy.db')
  await sql`vacuum into ${sql.lit(copy)}`.execute(general.store.db)
  const hot = await openServiceContext(copy)
  t.after(() => hot.store.close())
  const statements = prepareHotStatements(hot.store.dialect.sqlite!)

  const calls = fc.sample(keyedCallArbitrary, { numRuns: GENERATED_CALL_COUNT, seed: 1717 })
  const sizes = fc.sample(batchSizeArbitrary, { numRuns: GENERATED_CALL_COUNT, seed: 99 })
  let clock = GENERATED_CALLS_START
  general.now = () => new Date(clock)
  const counts = new Map<string, number>()
  for (let done = 0, batchNo = 0; done < calls.length; batchNo++) {
    const batch = calls.slice(done, done + sizes[batchNo]!).map((call): HotCall => concreteCall(call, callers, clock))
    done += batch.length
    const iso = new Date(clock).toISOString()
    const hotOutcomes = runHotBatch(statements, batch, () => iso).map((outcome): Outcome => {
      if (outcome.kind === 'general') assert.fail('every tenant here exists: the hot path takes all their calls')
      return outcome.kind === 'written' ? { written: true, replayed: outcome.value.replayed } : { code: outcome.error.code, message: outcome.error.message }
    })
    // The general path's group commit takes the calls of one turn in order, in one transaction.
    const generalOutcomes = await Promise.all(
      batch.map((call) =>
        updateWorkflow(general, call.caller, call.input, call.options).then(
          (result): Outcome => ({ written: true, replayed: result.replayed }),
          (error: unknown): Outcome => {
            assert.ok(error instanceof FirehouseError, String(error))
            return { code: error.code, message: error.message }
          },
        ),
      ),
    )
    assert.deepEqual(hotOutcomes, generalOutcomes, `batch ${batchNo}: ${JSON.stringify(batch.map((call) => call.input))}`)
    for (const outcome of hotOutcomes) {
      const name = outcomeName(outcome)
      counts.set(name, (counts.get(name) ?? 0) + 1)
    }
    clock += 37_000
  }
  t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries(counts))}`)
  // The calls reach every refusal a write can give, not only the writes, and every answer to a key.
  for (const code of [...EVERY_OUTCOME, 'replayed', '300009', '300010']) {
    assert.ok((counts.get(code) ?? 0) > 20, `${code}: ${counts.get(code) ?? 0}`)
  }
  for (const table of COMPARED_TABLES) {
    assert.deepEqual(await dumpTable(hot, table), await dumpTable(general, table), table)
  }
  const deliveries = await dumpDeliveries(general)
  assert.deepEqual(await dumpDeliveries(hot), deliveries, 'webhook_deliveries')
  // The endpoints want some of the changes, and not others.
  assert.ok(deliveries.length > 200, `${deliveries.length} deliveries`)
})
