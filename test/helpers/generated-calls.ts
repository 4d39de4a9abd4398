// The generated v4.1 calls of the identity tests (hot-path-identity, change-batch-identity): two
// tenants, one plain and one with extended statuses, every rule and webhook endpoints, and calls
// that reach every refusal a write can give; plus table dumps to compare two databases with.

import assert from 'node:assert/strict'
import fc from 'fast-check'
import { sql } from 'kysely'
import { createAddressPolicy } from '../../src/domain/address-rules.js'
import type { WorkflowInput } from '../../src/domain/workflow-input.js'
import type { Caller } from '../../src/service/api-keys.js'
import type { ServiceContext } from '../../src/service/context.js'
import { setStatusesFromFile } from '../../src/service/statuses.js'
import { getTenant, setExtendedStatuses } from '../../src/service/tenants.js'
import type { WorkflowOptions } from '../../src/service/update-workflow.js'
import { deactivateUser } from '../../src/service/users.js'
import { createEndpoint, updateEndpoint } from '../../src/service/webhooks/endpoints.js'
import { setWorkflowRules } from '../../src/service/workflow-rules.js'
import { createTestTenant } from './server.js'

const RECORDS = Array.from({ length: 40 }, (_, i) => i + 1)
const USERS = ['ann@example.com', 'Bob@Example.com', 'gone@example.com']
const STATUS_SET = 'code,label,phase\n1,New,OPEN\n2,Triage,OPEN\n20,Working,PROGRESS\n30,Solved,CLOSED\n31,Rejected,CLOSED\n'

/** How many calls an identity test runs through both paths, and the clock they start at. */
export const GENERATED_CALL_COUNT = 10_000
export const GENERATED_CALLS_START = Date.parse('2026-12-05T08:00:00.000Z')

/** What a call came to, as the identity tests compare it on both paths. */
export type CallOutcome = { written: true; replayed: boolean } | { code: number; message: string }

/** The name an identity test counts an outcome under: written, replayed, or the refusal's code. */
export function outcomeName(outcome: CallOutcome): string {
  return 'written' in outcome ? (outcome.replayed ? 'replayed' : 'written') : String(outcome.code)
}

/** Every outcome the generated calls must reach often: written, and each refusal's code. */
export const EVERY_OUTCOME = ['written', '400200', '400206', '400011', '400201', '400205', '400204', '400207']

export interface GeneratedCall {
  tenant: 'plain' | 'strict'
  actor: 0 | 1
  input: WorkflowInput
  options: WorkflowOptions
}

/** A generated call made concrete: its caller, its fields (happened_at at the batch's clock) and its options. */
export interface ConcreteCall {
  caller: Caller
  input: WorkflowInput
  options: WorkflowOptions
}

const sometimes = <T>(values: fc.Arbitrary<T>, weight = 1): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: values, weight })

export const callArbitrary: fc.Arbitrary<GeneratedCall> = fc.record({
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

/**
 * Calls of which about a third carry an Idempotency-Key: either the call's own fields (so a call
 * generated again with the same fields replays, or is still in flight when it is in the same
 * batch) or one of a few shared keys (so most repeats are another request: 300009).
 */
export const keyedCallArbitrary: fc.Arbitrary<GeneratedCall> = fc
  .tuple(callArbitrary, sometimes(fc.constantFrom('fields', 'shared-1', 'shared-2', 'shared-3')))
  .map(([call, key]) => {
    if (key === undefined) return call
    const { happenedAt: _relative, ...fields } = call.input
    const idempotencyKey = key === 'fields' ? `fields:${call.tenant}:${JSON.stringify(fields)}` : key
    return { ...call, options: { ...call.options, idempotencyKey } }
  })

/** The batch sizes the tests cut the calls into: mostly small, some up to 60. */
export const batchSizeArbitrary = fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 60 }))

export type GeneratedTenants = Record<GeneratedCall['tenant'], Caller[]>

/** The endpoints' addresses are never called here (no dispatcher runs), but must pass the address rules. */
const ENDPOINT_RULES = { policy: createAddressPolicy(['127.0.0.0/8']) }

/**
 * Two tenants: `plain` with no rules, `strict` with extended statuses, every rule and three webhook
 * endpoints (every event but the key's own, opened and closed cases from anyone, and a disabled
 * one); a user deactivated in each.
 */
export async function setUpGeneratedTenants(ctx: ServiceContext): Promise<GeneratedTenants> {
  const callers: Partial<GeneratedTenants> = {}
  for (const slug of ['plain', 'strict'] as const) {
    const first = await createTestTenant(ctx, { slug, records: RECORDS, users: USERS })
    const second = await createTestTenant(ctx, { slug: `${slug}-second-key`, records: [] })
    const tenant = await getTenant(ctx, slug)
    await deactivateUser(ctx, slug, 'gone@example.com')
    if (slug === 'strict') {
      await setStatusesFromFile(ctx, slug, STATUS_SET, 'csv')
      await setExtendedStatuses(ctx, slug, true)
      await setWorkflowRules(ctx, slug, { progressive: true, commentOnStatusChange: true, commentOnReassign: true }, true)
      await createEndpoint(ctx, slug, { url: 'http://127.0.0.1:9/all', events: ['*'] }, `key:${first.keyId}`, ENDPOINT_RULES)
      await createEndpoint(ctx, slug, { url: 'http://127.0.0.1:9/ends', events: ['case.opened', 'case.closed'], excludeActors: [] }, null, ENDPOINT_RULES)
      const off = await createEndpoint(ctx, slug, { url: 'http://127.0.0.1:9/off', events: ['*'] }, null, ENDPOINT_RULES)
      await updateEndpoint(ctx, slug, off.id, { enabled: false }, ENDPOINT_RULES)
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
  return callers as GeneratedTenants
}

export function concreteCall(call: GeneratedCall, callers: GeneratedTenants, clock: number): ConcreteCall {
  const { happenedAt, ...rest } = call.input
  const input: WorkflowInput = { ...rest }
  if (happenedAt !== undefined) input.happenedAt = new Date(clock + Number(happenedAt.slice(1)) * 3_600_000).toISOString()
  const options: WorkflowOptions = {}
  if (call.options.expectedVersion !== undefined) options.expectedVersion = call.options.expectedVersion
  if (call.options.idempotencyKey !== undefined) options.idempotencyKey = call.options.idempotencyKey
  return { caller: callers[call.tenant][call.actor]!, input, options }
}

/** The tables a write touches and the ones it reads, to compare two databases by. */
export const COMPARED_TABLES = ['tenants', 'cases', 'history_entries', 'records', 'users', 'statuses', 'idempotency_keys']

export async function dumpTable(ctx: ServiceContext, table: string): Promise<unknown[]> {
  const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)} order by 1, 2, 3`.execute(ctx.store.db)
  return rows
}

/**
 * The webhook outbox, to compare two databases by: every column but the random event and delivery
 * ids, which are checked instead to be one event id per history entry, each delivery's id made of
 * its event's and its endpoint's.
 */
export async function dumpDeliveries(ctx: ServiceContext): Promise<unknown[]> {
  const rows = await ctx.store.db.selectFrom('webhook_deliveries').selectAll().orderBy('number_customergauge').orderBy('entry_seq').orderBy('endpoint_id').execute()
  const eventOfEntry = new Map<string, string>()
  return rows.map(({ id, event_id: eventId, ...row }) => {
    const entry = `${row.tenant_id} ${row.number_customergauge} ${row.entry_seq}`
    assert.equal(eventOfEntry.get(entry) ?? eventId, eventId, `one event id for the entry ${entry}`)
    eventOfEntry.set(entry, eventId)
    assert.equal(id, `dlv_${eventId.slice(4)}_${row.endpoint_id.slice(4)}`)
    return row
  })
}
