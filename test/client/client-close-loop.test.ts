// cg.closeLoop against the real server on both databases: put answers the item and takes note, happenedAt
// (a string or a Date), ifMatch and Idempotency-Key; sync pages by cursor with the date filters; items reads
// to the first empty page and knows where to resume; errors reject as WorkflowApiError with their codes.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { WorkflowApiError, WorkflowClient } from '../../src/client/index.js'
import { showCase } from '../../src/service/case-view.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, startTestServer } from '../helpers/server.js'

async function failure(promise: Promise<unknown>): Promise<WorkflowApiError> {
  const error = await promise.then(
    () => assert.fail('expected a WorkflowApiError'),
    (reason: unknown) => reason,
  )
  assert.ok(error instanceof WorkflowApiError, `not a WorkflowApiError: ${String(error)}`)
  return error
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] closeLoop.put sets the status with a note and happenedAt, and answers the item`, async (t) => {
    let now = new Date('2026-11-27T12:00:00.000Z')
    const server = await startTestServer(kind, { now: () => now })
    t.after(server.close)
    const { key } = await createTestTenant(server.ctx, { slug: 'acme', records: [12, 13] })
    const cg = new WorkflowClient({ apiKey: key, baseUrl: server.url, retries: 2, retryBaseMs: 1, retryMaxMs: 1 })

    const opened = await cg.closeLoop.put({ numberCustomergauge: 12, status: 'open', note: 'Seen', happenedAt: '2026-11-27 09:00:00' })
    assert.deepEqual(opened, {
      number_customergauge: 12, status: 'open', note: 'Seen', assigned_to: null, updated_at: '2026-11-27 12:00:00', time_to_follow_up: null, time_to_close: null,
    })
    // A Date goes as YYYY-MM-DD HH:MM:SS in UTC.
    const working = await cg.closeLoop.put({ numberCustomergauge: '12', status: 'progress', happenedAt: new Date('2026-11-27T11:30:00.500Z') })
    assert.deepEqual([working.status, working.note, working.time_to_follow_up], ['progress', 'Seen', 2])
    assert.equal((await showCase(server.ctx, 'acme', 12)).history[1]!.happened_at, '2026-11-27T11:30:00.000Z')

    now = new Date('2026-11-27T14:00:00.000Z')
    const closed = await cg.closeLoop.put({ numberCustomergauge: 12, status: 'closed', note: 'Solved 🚒', ifMatch: 2 })
    assert.deepEqual([closed.status, closed.note, closed.time_to_close, closed.updated_at], ['closed', 'Solved 🚒', 5, '2026-11-27 14:00:00'])

    const stale = await failure(cg.closeLoop.put({ numberCustomergauge: 12, status: 'open', ifMatch: 2 }))
    assert.deepEqual([stale.code, stale.status, stale.attempts], [400206, 409, 1])
    const missing = await failure(cg.closeLoop.put({ numberCustomergauge: 99, status: 'open' }))
    assert.deepEqual([missing.code, missing.status], [400200, 404])
    const upper = await failure(cg.closeLoop.put({ numberCustomergauge: 12, status: 'OPEN' as 'open' }))
    assert.deepEqual([upper.code, upper.status], [400011, 400])
    const future = await failure(cg.closeLoop.put({ numberCustomergauge: 13, status: 'open', happenedAt: new Date('2026-11-28T00:00:00Z') }))
    assert.equal(future.code, 400207)
    assert.equal((await showCase(server.ctx, 'acme', 12)).version, 3)

    // One Idempotency-Key: the same change again changes nothing; another change with it is 300009.
    await cg.closeLoop.put({ numberCustomergauge: 13, status: 'progress', idempotencyKey: 'once-13' })
    await cg.closeLoop.put({ numberCustomergauge: 13, status: 'progress', idempotencyKey: 'once-13' })
    assert.equal((await showCase(server.ctx, 'acme', 13)).version, 1)
    assert.equal((await failure(cg.closeLoop.put({ numberCustomergauge: 13, status: 'closed', idempotencyKey: 'once-13' }))).code, 300009)
    await assert.rejects(cg.closeLoop.put({ numberCustomergauge: 13, status: 'open', ifMatch: -1 }), TypeError)
  })

  test(`[${kind.name}] closeLoop.sync pages by cursor with the date filters; closeLoop.items reads to the first empty page`, async (t) => {
    let now = new Date('2026-11-25T08:00:00.000Z')
    const server = await startTestServer(kind, { now: () => now })
    t.after(server.close)
    const { key } = await createTestTenant(server.ctx, { slug: 'acme', records: [1, 2, 3, 4, 5] })
    const cg = new WorkflowClient({ apiKey: key, baseUrl: server.url })
    for (const cgid of [1, 2, 3, 4, 5]) {
      now = new Date(Date.parse('2026-11-25T08:00:00.000Z') + (cgid - 1) * 24 * 3600 * 1000)
      await cg.closeLoop.put({ numberCustomergauge: cgid, status: 'progress', note: `case ${cgid}` })
    }
    const first = await cg.closeLoop.sync({ perPage: 2 })
    assert.deepEqual(first.data.map((item) => item.number_customergauge), [1, 2])
    const second = await cg.closeLoop.sync({ perPage: 2, cursor: first.cursor })
    assert.deepEqual(second.data.map((item) => item.number_customergauge), [3, 4])
    assert.ok(second.cursor > first.cursor)
    const filtered = await cg.closeLoop.sync({ start: '2026-11-26', end: new Date('2026-11-28T23:00:00Z') })
    assert.deepEqual(filtered.data.map((item) => item.number_customergauge), [2, 3, 4])
    const end = await cg.closeLoop.sync({ cursor: filtered.cursor + 100 })
    assert.deepEqual(end, { data: [], cursor: filtered.cursor + 100 })

    const feed = cg.closeLoop.items({ perPage: 2 })
    const seen: number[] = []
    for await (const item of feed) seen.push(item.number_customergauge)
    assert.deepEqual(seen, [1, 2, 3, 4, 5])
    const resumeAt = feed.cursor!
    await cg.closeLoop.put({ numberCustomergauge: 2, status: 'closed' })
    const later: number[] = []
    for await (const item of cg.closeLoop.items({ cursor: resumeAt })) later.push(item.number_customergauge)
    assert.deepEqual(later, [2])

    const bad = await failure(cg.closeLoop.sync({ perPage: 0 }))
    assert.deepEqual([bad.code, bad.status], [300001, 400])
    const otherKey = new WorkflowClient({ apiKey: 'fh_unknown', baseUrl: server.url })
    assert.equal((await failure(otherKey.closeLoop.sync())).code, 200000)
  })
}
