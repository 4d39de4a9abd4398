// The outbox (SPEC §8): a change's webhook event is written in the change's own transaction — one per
// history entry, for each endpoint that wants it, none for a refused call, none for an excluded actor.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { authenticate } from '../../src/service/api-keys.js'
import type { ServiceContext } from '../../src/service/context.js'
import { importRecords } from '../../src/service/import-records.js'
import { updateCase, updateWorkflow } from '../../src/service/update-workflow.js'
import { createAddressPolicy } from '../../src/domain/address-rules.js'
import { createEndpoint } from '../../src/service/webhooks/endpoints.js'
import { setWorkflowRules } from '../../src/service/workflow-rules.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { REFUSED_IDEMPOTENCY_KEY, refuseMarkedWrites } from '../helpers/database-refusals.js'
import { createTestTenant, surveyRecord } from '../helpers/server.js'

const RULES = { policy: createAddressPolicy(['127.0.0.0/8']) }

async function queued(ctx: ServiceContext) {
  return ctx.store.db.selectFrom('webhook_deliveries').selectAll().orderBy('number_customergauge').orderBy('entry_seq').execute()
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] every change queues one event per endpoint that wants it, with the case right after the entry`, async (t) => {
    const { ctx } = await openTestContext(t, kind)
    const acme = await createTestTenant(ctx, { slug: 'acme', records: [1, 2], users: ['des@example.com'] })
    const all = await createEndpoint(ctx, 'acme', { url: 'http://127.0.0.1:9/all', events: ['*'] }, null, RULES)
    const closed = await createEndpoint(ctx, 'acme', { url: 'http://127.0.0.1:9/closed', events: ['case.closed'] }, null, RULES)
    const caller = await authenticate(ctx, acme.key, 'eu')

    await updateWorkflow(ctx, caller, { numberCustomergauge: 1, comment: 'first' })
    await updateWorkflow(ctx, caller, { numberCustomergauge: 1, status: 'CLOSE', assignedTo: 'des@example.com' }, { idempotencyKey: 'key-1' })
    await updateWorkflow(ctx, caller, { numberCustomergauge: 1, status: 'CLOSE', assignedTo: 'des@example.com' }, { idempotencyKey: 'key-1' })
    await updateWorkflow(ctx, caller, { numberCustomergauge: 1, comment: 'third' })

    const rows = await queued(ctx)
    const sorted = (list: (string | number)[][]) => list.map((item) => JSON.stringify(item)).sort()
    assert.deepEqual(
      sorted(rows.map((row) => [row.endpoint_id, row.event_type, row.entry_seq])),
      sorted([
        [all.id, 'case.opened', 1],
        [all.id, 'case.closed', 2],
        [closed.id, 'case.closed', 2],
        [all.id, 'case.updated', 3],
      ]),
      'the keyed replay queued nothing',
    )
    const [one, two] = rows.filter((row) => row.event_type === 'case.closed')
    assert.equal(one!.event_id, two!.event_id, 'one event id for every endpoint')
    assert.notEqual(one!.id, two!.id)
    const payload = JSON.parse(one!.payload) as { case: Record<string, unknown>; entry: Record<string, unknown> }
    assert.deepEqual(Object.keys(payload), ['case', 'entry'])
    assert.equal(payload.case.status, 'CLOSED')
    assert.equal(payload.case.assigned_to, 'des@example.com')
    assert.equal(payload.case.closed_at, payload.entry.at)
    assert.equal('history' in payload.case, false)
    // The case right after its entry: at the version that entry made.
    assert.equal(payload.case.version, 2)
    assert.deepEqual(payload.entry, {
      seq: 2,
      at: payload.entry.at,
      happened_at: payload.entry.at,
      actor: `key:${acme.keyId}`,
      status_from: 'OPEN',
      status_to: 'CLOSED',
      status_label_from: 'OPEN',
      status_label_to: 'CLOSED',
      assigned_from: null,
      assigned_to: 'des@example.com',
      comment: null,
    })
    assert.equal(one!.event_at, payload.entry.at)
  })

  test(`[${kind.name}] a call refused after its event was queued rolls the event back with it (group commit: its own savepoint)`, async (t) => {
    const { ctx } = await openTestContext(t, kind)
    const acme = await createTestTenant(ctx, { slug: 'acme', records: [1, 2, 3] })
    await createEndpoint(ctx, 'acme', { url: 'http://127.0.0.1:9/all', events: ['*'] }, null, RULES)
    await refuseMarkedWrites(ctx)
    const caller = await authenticate(ctx, acme.key, 'eu')
    // Issued in one turn: on SQLite one shared transaction. The middle call writes its case, its
    // entry and its event, then the database refuses its idempotency key.
    const outcomes = await Promise.allSettled([
      updateWorkflow(ctx, caller, { numberCustomergauge: 1, comment: 'kept' }, { idempotencyKey: 'key-a' }),
      updateWorkflow(ctx, caller, { numberCustomergauge: 2, comment: 'refused' }, { idempotencyKey: REFUSED_IDEMPOTENCY_KEY }),
      updateWorkflow(ctx, caller, { numberCustomergauge: 3, comment: 'kept' }),
      updateWorkflow(ctx, caller, { numberCustomergauge: 3, assignedTo: 'nobody@example.com' }),
    ])
    assert.deepEqual(outcomes.map((outcome) => outcome.status), ['fulfilled', 'rejected', 'fulfilled', 'rejected'])
    assert.deepEqual((await queued(ctx)).map((row) => [row.number_customergauge, row.entry_seq]), [[1, 1], [3, 1]])
  })

  test(`[${kind.name}] a change a workflow rule refuses queues no event, on every write path; the allowed one after it does`, async (t) => {
    const { ctx } = await openTestContext(t, kind)
    const acme = await createTestTenant(ctx, { slug: 'acme', records: [1, 2], users: ['des@example.com'] })
    await createEndpoint(ctx, 'acme', { url: 'http://127.0.0.1:9/all', events: ['*'] }, null, RULES)
    const caller = await authenticate(ctx, acme.key, 'eu')
    await updateWorkflow(ctx, caller, { numberCustomergauge: 1, comment: 'opened' })
    await setWorkflowRules(ctx, 'acme', { progressive: true, commentOnReassign: true }, true)
    const refusals = await Promise.allSettled([
      // A new case (the transaction path), an existing one (PostgreSQL's single guarded statement), a keyed call, a person.
      updateWorkflow(ctx, caller, { numberCustomergauge: 2, status: 'CLOSED' }),
      updateWorkflow(ctx, caller, { numberCustomergauge: 1, status: 'CLOSED' }),
      updateWorkflow(ctx, caller, { numberCustomergauge: 1, assignedTo: 'des@example.com' }, { idempotencyKey: 'key-r' }),
      updateCase(ctx, { tenantId: caller.tenantId, actor: 'user:des@example.com' }, { numberCustomergauge: 1, status: 'CLOSED', comment: 'done' }),
    ])
    assert.deepEqual(
      refusals.map((outcome) => (outcome.status === 'rejected' ? (outcome.reason as { code: number }).code : 'written')),
      [400205, 400205, 400204, 400205],
    )
    assert.deepEqual((await queued(ctx)).map((row) => [row.number_customergauge, row.event_type]), [[1, 'case.opened']])
    await updateWorkflow(ctx, caller, { numberCustomergauge: 1, status: 'PROGRESS', assignedTo: 'des@example.com', comment: 'on it' })
    assert.deepEqual((await queued(ctx)).map((row) => [row.number_customergauge, row.event_type]), [[1, 'case.opened'], [1, 'case.updated']])
  })

  test(`[${kind.name}] no echo: the creating actor's changes are not queued, another's are; an import's opened cases are`, async (t) => {
    const { ctx } = await openTestContext(t, kind)
    const acme = await createTestTenant(ctx, { slug: 'acme', records: [1, 2] })
    const caller = await authenticate(ctx, acme.key, 'eu')
    const endpoint = await createEndpoint(ctx, 'acme', { url: 'http://127.0.0.1:9/hook', events: ['*'] }, `key:${acme.keyId}`, RULES)
    assert.deepEqual(endpoint.exclude_actors, [`key:${acme.keyId}`])

    await updateWorkflow(ctx, caller, { numberCustomergauge: 1, comment: 'by the key' })
    await updateCase(ctx, { tenantId: caller.tenantId, actor: 'user:des@example.com' }, { numberCustomergauge: 2, comment: 'by a person' })
    await importRecords(ctx, 'acme', [surveyRecord(5, 2), surveyRecord(6, 9)])
    const rows = await queued(ctx)
    assert.deepEqual(
      rows.map((row) => [row.number_customergauge, row.event_type, JSON.parse(row.payload).entry.actor]),
      [
        [2, 'case.opened', 'user:des@example.com'],
        [5, 'case.opened', 'import'],
      ],
    )
  })
}
