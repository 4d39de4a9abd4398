// PostgreSQL's batched writes (src/service/change-batch.ts: one read and one write per batch) and
// the single-call path (a read and a guarded write, or a transaction, per call) must be one
// behaviour: the same 10,000 generated calls, a third of them with an Idempotency-Key, in batches
// of random sizes, with the same clock, get the same outcomes (written, replayed, or refused with
// the same code and message) and leave identical tables, the tenants' change sequences, every
// case's sequence number, the stored keys and the webhook outbox included.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { FirehouseError } from '../../src/domain/errors.js'
import { runChangeBatch, type BatchOutcome } from '../../src/service/change-batch.js'
import type { ServiceContext } from '../../src/service/context.js'
import { openServiceContext } from '../../src/service/database.js'
import { updateWorkflow } from '../../src/service/update-workflow.js'
import { copyPostgresTestDatabase, TEST_DATABASES } from '../helpers/databases.js'
import {
  batchSizeArbitrary,
  keyedCallArbitrary,
  COMPARED_TABLES,
  concreteCall,
  dumpDeliveries,
  dumpTable,
  EVERY_OUTCOME,
  setUpGeneratedTenants,
  type ConcreteCall,
  GENERATED_CALL_COUNT,
  GENERATED_CALLS_START,
  outcomeName,
  type CallOutcome as Outcome,
} from '../helpers/generated-calls.js'

const POSTGRES = TEST_DATABASES.find((kind) => kind.name === 'postgres')

test('[postgres] batched writes and single-call writes: the same outcomes and identical tables for 10,000 generated calls', { skip: POSTGRES === undefined }, async (t) => {
  const original = await POSTGRES!.create()
  t.after(() => original.drop())
  const setUp = await openServiceContext(original.url)
  const callers = await setUpGeneratedTenants(setUp)
  await setUp.store.close()
  // The single-call side starts from a copy: the same tenants, keys and records, ids and all.
  const copy = await copyPostgresTestDatabase(original)
  t.after(() => copy.drop())
  const batched = await open(original.url)
  // The single-call path on the batched side's database, for the calls the batch leaves to it.
  const batchedsSingle = await open(original.url, { single: true })
  const single = await open(copy.url, { single: true })
  t.after(async () => {
    for (const ctx of [batched, batchedsSingle, single]) await ctx.store.close()
  })

  const calls = fc.sample(keyedCallArbitrary, { numRuns: GENERATED_CALL_COUNT, seed: 1717 })
  const sizes = fc.sample(batchSizeArbitrary, { numRuns: GENERATED_CALL_COUNT, seed: 99 })
  let clock = GENERATED_CALLS_START
  for (const ctx of [batched, batchedsSingle, single]) ctx.now = () => new Date(clock)
  const counts = new Map<string, number>()
  for (let done = 0, batchNo = 0; done < calls.length; batchNo++) {
    const batch = calls.slice(done, done + sizes[batchNo]!).map((call) => concreteCall(call, callers, clock))
    done += batch.length
    const fromBatch = await runChangeBatch(
      batched,
      batch.map(({ caller, input, options: { idempotencyKey, ...options } }) => ({
        writer: { tenantId: caller.tenantId, actor: caller.actor, ...options },
        input,
        caller,
        idempotencyKey,
      })),
    )
    // As the live batcher does: the calls left to the single-call path run there after the batch, in order.
    const batchedOutcomes: Outcome[] = []
    for (const [i, outcome] of fromBatch.entries()) {
      count(counts, `batch ${outcome.kind}`)
      const settled = outcome.kind === 'single' ? await singleCall(batchedsSingle, batch[i]!) : outcomeOf(outcome)
      if (outcome.kind === 'single' && !('code' in settled && settled.code === 400200)) count(counts, 'left to the single-call path, record found')
      batchedOutcomes.push(settled)
    }
    const singleOutcomes: Outcome[] = []
    for (const call of batch) singleOutcomes.push(await singleCall(single, call))
    assert.deepEqual(batchedOutcomes, singleOutcomes, `batch ${batchNo}: ${JSON.stringify(batch.map((call) => call.input))}`)
    for (const outcome of batchedOutcomes) count(counts, outcomeName(outcome))
    clock += 37_000
  }
  t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries(counts))}`)
  // The calls reach every refusal a write can give, and the batch itself writes and refuses many.
  for (const name of [...EVERY_OUTCOME, 'replayed', '300009', 'batch written', 'batch replayed', 'batch refused', 'batch single']) {
    assert.ok((counts.get(name) ?? 0) > 20, `${name}: ${counts.get(name) ?? 0}`)
  }
  // Nothing here changes a case between a batch's read and its write, and no key is revoked: the
  // batch settles every call whose record exists, a tenant with its own status set's included.
  assert.equal(counts.get('left to the single-call path, record found') ?? 0, 0)
  for (const table of COMPARED_TABLES) {
    assert.deepEqual(await dumpTable(batched, table), await dumpTable(single, table), table)
  }
  const deliveries = await dumpDeliveries(single)
  assert.deepEqual(await dumpDeliveries(batched), deliveries, 'webhook_deliveries')
  // The endpoints want some of the changes, and not others.
  assert.ok(deliveries.length > 200, `${deliveries.length} deliveries`)
})

async function open(url: string, options: { single?: boolean } = {}): Promise<ServiceContext> {
  const ctx = await openServiceContext(url)
  if (options.single) ctx.changeBatches = undefined
  return ctx
}

function singleCall(ctx: ServiceContext, call: ConcreteCall): Promise<Outcome> {
  return updateWorkflow(ctx, call.caller, call.input, call.options).then(
    (result): Outcome => ({ written: true, replayed: result.replayed }),
    (error: unknown) => refusal(error),
  )
}

function outcomeOf(outcome: Exclude<BatchOutcome, { kind: 'single' }>): Outcome {
  if (outcome.kind === 'refused') return refusal(outcome.error)
  return { written: true, replayed: outcome.kind === 'replayed' }
}

function refusal(error: unknown): Outcome {
  assert.ok(error instanceof FirehouseError, String(error))
  return { code: error.code, message: error.message }
}

function count(counts: Map<string, number>, name: string): void {
  counts.set(name, (counts.get(name) ?? 0) + 1)
}
