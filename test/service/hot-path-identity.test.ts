// SQLite's hot path (src/service/hot-path.ts, hand-written statements on the writer thread) and the
// general path (updateWorkflow with Kysely, savepoints and group commit) must be one behaviour:
// the same 10,000 generated calls, in batches of random sizes, with the same clock, get the same
// outcomes (written, or refused with the same code and message) and leave byte-identical tables.

import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import fc from 'fast-check'
import { sql } from 'kysely'
import type { WorkflowInput } from '../../src/domain/workflow-input.js'
import { FirehouseError } from '../../src/domain/errors.js'
import type { Caller } from '../../src/service/api-keys.js'
import { openServiceContext } from '../../src/service/database.js'
import { hotPathTakes, runHotBatch, type HotCall } from '../../src/service/hot-path.js'
import { setStatusesFromFile } from '../../src/service/statuses.js'
import { getTenant, setExtendedStatuses } from '../../src/service/tenants.js'
import { updateWorkflow, type WorkflowOptions } from '../../src/service/update-workflow.js'
import { deactivateUser } from '../../src/service/users.js'
import { setWorkflowRules } from '../../src/service/workflow-rules.js'
import { prepareHotStatements } from '../../src/store/sqlite-hot-statements.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant } from '../helpers/server.js'

const SQLITE = TEST_DATABASES.find((kind) => kind.name === 'sqlite')
const CALLS = 10_000
const RECORDS = Array.from({ length: 40 }, (_, i) => i + 1)
const USERS = ['ann@example.com', 'Bob@Example.com', 'gone@example.com']
const STATUS_SET = 'code,label,phase\n1,New,OPEN\n2,Triage,OPEN\n20,Working,PROGRESS\n30,Solved,CLOSED\n31,Rejected,CLOSED\n'
const START = Date.parse('2026-12-05T08:00:00.000Z')

interface GeneratedCall {
  tenant: 'plain' | 'strict'
  actor: 0 | 1
  input: WorkflowInput
  options: WorkflowOptions
}

const sometimes = <T>(values: fc.Arbitrary<T>, weight = 1): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: values, weight })

const callArbitrary: fc.Arbitrary<GeneratedCall> = fc.record({
  tenant: fc.constantFrom('plain' as const, 'strict' as const),
  actor: fc.constantFrom(0 as const, 1 as const),
  input: fc.record(
    {
      // 41–42 have no record (400200); a few cases get long chains.
      numberCustomergauge: fc.oneof(fc.integer({ min: 1, max: 42 }), fc.integer({ min: 1, max: 4 })),
      status: sometimes(fc.constantFrom('OPEN', 'PROGRESS', 'CLOSE', 'CLOSED', ' closed ', 'NOPE', '2', '20', 'solved', 'Rejected', '99'), 8),
      comment: sometimes(fc.constantFrom('Called back', '', 'Ünïcode ✓', 'x'.repeat(300))),
      assignedTo: sometimes(fc.constantFrom(...USERS, 'ANN@example.com', 'nobody@example.com'), 2),
      // Hours from the batch's time: back-dated, slightly ahead, too far ahead (400207).
      happenedAt: sometimes(fc.constantFrom(-30, -2, -0.5, 0, 0.01, 2).map((hours) => `@${hours}`)),
    },
    { requiredKeys: ['numberCustomergauge'] },
  ),
  options: fc.record({ expectedVersion: sometimes(fc.integer({ min: 0, max: 8 })) }, { requiredKeys: [] }),
})

type Outcome = { written: true } | { code: number; message: string }

test('[sqlite] the hot path and the general path: the same outcomes and identical tables for 10,000 generated calls', { skip: SQLITE === undefined }, async (t) => {
  const { ctx: general, database } = await openTestContext(t, SQLITE!)
  const callers = await setUpTenants(general)
  // The hot side starts from a copy of the same file: the same tenants, keys and records, ids and all.
  const copy = join(database.url, '..', 'hot-copy.db')
  await sql`vacuum into ${sql.lit(copy)}`.execute(general.store.db)
  const hot = await openServiceContext(copy)
  t.after(() => hot.store.close())
  const statements = prepareHotStatements(hot.store.dialect.sqlite!)

  const calls = fc.sample(callArbitrary, { numRuns: CALLS, seed: 1717 })
  const sizes = fc.sample(fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 60 })), { numRuns: CALLS, seed: 99 })
  let clock = START
  general.now = () => new Date(clock)
  const counts = new Map<string, number>()
  for (let done = 0, batchNo = 0; done < calls.length; batchNo++) {
    const batch = calls.slice(done, done + sizes[batchNo]!).map((call) => toHotCall(call, callers, clock))
    done += batch.length
    assert.ok(batch.every(hotPathTakes))
    const iso = new Date(clock).toISOString()
    const hotOutcomes = runHotBatch(statements, batch, () => iso).map((outcome): Outcome => {
      if (outcome.kind === 'general') assert.fail('no tenant here has a webhook endpoint')
      return outcome.kind === 'written' ? { written: true } : { code: outcome.error.code, message: outcome.error.message }
    })
    // The general path's group commit takes the calls of one turn in order, in one transaction.
    const generalOutcomes = await Promise.all(
      batch.map((call) =>
        updateWorkflow(general, call.caller, call.input, call.options).then(
          (): Outcome => ({ written: true }),
          (error: unknown): Outcome => {
            assert.ok(error instanceof FirehouseError, String(error))
            return { code: error.code, message: error.message }
          },
        ),
      ),
    )
    assert.deepEqual(hotOutcomes, generalOutcomes, `batch ${batchNo}: ${JSON.stringify(batch.map((call) => call.input))}`)
    for (const outcome of hotOutcomes) {
      const name = 'written' in outcome ? 'written' : String(outcome.code)
      counts.set(name, (counts.get(name) ?? 0) + 1)
    }
    clock += 37_000
  }
  t.diagnostic(`outcomes: ${JSON.stringify(Object.fromEntries(counts))}`)
  // The calls reach every refusal a write can give, not only the writes.
  for (const code of ['written', '400200', '400206', '400011', '400201', '400205', '400204', '400207']) {
    assert.ok((counts.get(code) ?? 0) > 20, `${code}: ${counts.get(code) ?? 0}`)
  }
  for (const table of ['tenants', 'cases', 'history_entries', 'records', 'users', 'statuses']) {
    assert.deepEqual(await dump(hot, table), await dump(general, table), table)
  }
})

/** Two tenants: `plain` with no rules, `strict` with extended statuses and every rule; a user deactivated in each. */
async function setUpTenants(ctx: Awaited<ReturnType<typeof openServiceContext>>): Promise<Record<GeneratedCall['tenant'], Caller[]>> {
  const callers: Partial<Record<GeneratedCall['tenant'], Caller[]>> = {}
  for (const slug of ['plain', 'strict'] as const) {
    const first = await createTestTenant(ctx, { slug, records: RECORDS, users: USERS })
    const second = await createTestTenant(ctx, { slug: `${slug}-second-key`, records: [] })
    const tenant = await getTenant(ctx, slug)
    await deactivateUser(ctx, slug, 'gone@example.com')
    if (slug === 'strict') {
      await setStatusesFromFile(ctx, slug, STATUS_SET, 'csv')
      await setExtendedStatuses(ctx, slug, true)
      await setWorkflowRules(ctx, slug, { progressive: true, commentOnStatusChange: true, commentOnReassign: true }, true)
    }
    // Two actors of the same tenant: a key and an app (the second tenant's key id stands in for one).
    callers[slug] = [first.keyId, second.keyId].map((id, i) => ({
      tenantId: tenant.id,
      actor: i === 0 ? `key:${id}` : `app:fhc_${id}`,
      bucketId: id,
      rateLimit: null,
      admin: false,
    }))
  }
  return callers as Record<GeneratedCall['tenant'], Caller[]>
}

function toHotCall(call: GeneratedCall, callers: Record<GeneratedCall['tenant'], Caller[]>, clock: number): HotCall {
  const { happenedAt, ...rest } = call.input
  const input: WorkflowInput = { ...rest }
  if (happenedAt !== undefined) input.happenedAt = new Date(clock + Number(happenedAt.slice(1)) * 3_600_000).toISOString()
  const options: WorkflowOptions = call.options.expectedVersion === undefined ? {} : { expectedVersion: call.options.expectedVersion }
  return { caller: callers[call.tenant][call.actor]!, input, options }
}

async function dump(ctx: Awaited<ReturnType<typeof openServiceContext>>, table: string): Promise<unknown[]> {
  const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by 1, 2, 3`.execute(ctx.store.db)
  return rows
}
