// Per-case ordering under load (SPEC §8): 50 concurrent updates to 5 cases, refused calls among them,
// a slow receiver that fails at random; each case's events arrive in history order, none lost, none
// for a refused call, a later event only after the earlier one succeeded.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createApiKey } from '../../src/service/api-keys.js'
import { getCase } from '../helpers/api-v1.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, form, post, startTestServer, workflowUrl } from '../helpers/server.js'
import { startReceiver, verifySignature } from '../helpers/webhook-receiver.js'
import { createHook } from '../helpers/webhook-api.js'

const CASES = [1, 2, 3, 4, 5]
const UPDATES_PER_CASE = 10

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] 50 concurrent updates to 5 cases, a slow receiver failing at random: each case's events in history order, none lost, none for a refused call`, async (t) => {
    const server = await startTestServer(kind, {
      env: { FIREHOUSE_WEBHOOK_ALLOW_NETS: '127.0.0.0/8', FIREHOUSE_WEBHOOK_RETRY_SCHEDULE: '0.05,0.05,0.05,0.05,0.05,0.05,0.05', FIREHOUSE_WEBHOOK_TIMEOUT_MS: '5000' },
    })
    t.after(() => server.close())
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: CASES, users: ['des@example.com', 'ann@example.com'] })
    const desk = await createApiKey(server.ctx, 'acme', 'help desk')
    // Each event fails at most twice (the schedule allows eight attempts, a slow machine's timeouts included), at random, after a random delay.
    const failures = new Map<string, number>()
    const inbox = await startReceiver(async (request) => {
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 15))
      const failed = failures.get(request.event.id) ?? 0
      if (failed < 2 && Math.random() < 0.35) {
        failures.set(request.event.id, failed + 1)
        return { status: 500 }
      }
      return { status: 200 }
    })
    t.after(() => inbox.close())
    const hook = await createHook(server, acme.key, { url: inbox.url, events: ['*'] })

    const calls = CASES.flatMap((cgid) =>
      Array.from({ length: UPDATES_PER_CASE }, (_, i) => ({ number_customergauge: cgid, status: ['PROGRESS', 'CLOSE', 'OPEN'][i % 3]!, comment: `update ${i}` })),
    )
    const refused = CASES.map((cgid) => ({ number_customergauge: cgid, assigned_to: 'nobody@example.com', comment: 'refused' }))
    const mixed = [...calls, ...refused].sort(() => Math.random() - 0.5)
    const answers = await Promise.all(mixed.map((fields) => post(workflowUrl(server), form(fields), { key: desk.key })))
    assert.deepEqual(
      answers.map((answer) => answer.status).sort(),
      [...calls.map(() => 200), ...refused.map(() => 400)].sort(),
    )

    const histories = new Map(await Promise.all(CASES.map(async (cgid) => [cgid, (await getCase(server, acme.key, cgid)).history] as const)))
    const entries = [...histories.values()].reduce((total, history) => total + history.length, 0)
    assert.equal(entries, calls.length)
    await inbox.waitForSuccesses(entries, 30_000)
    await new Promise((resolve) => setTimeout(resolve, 300))

    let violations = 0
    let duplicates = 0
    for (const cgid of CASES) {
      const arrivals = inbox.received.filter((request) => request.event.data.case?.number_customergauge === cgid)
      // In order of arrival: the same seq again (a retry) or the next one, only once the last succeeded.
      let done = 0
      for (const request of arrivals) {
        const seq = request.event.data.entry!.seq
        if (seq !== done + 1) violations++
        if (request.status === 200) done = Math.max(done, seq)
      }
      const delivered = arrivals.filter((request) => request.status === 200)
      duplicates += delivered.length - new Set(delivered.map((request) => request.event.id)).size
      assert.deepEqual(
        delivered.map((request) => request.event.data.entry),
        histories.get(cgid),
        `case ${cgid}: every entry's event delivered once, in history order`,
      )
    }
    t.diagnostic(`events ${entries}, requests ${inbox.received.length}, ordering violations ${violations}, duplicates ${duplicates}`)
    assert.equal(violations, 0)
    assert.equal(duplicates, 0)
    assert.equal(inbox.received.some((request) => request.event.data.entry?.comment === 'refused'), false)
    assert.ok(inbox.received.length > entries, 'the receiver failed some attempts (the test exercised retries)')
    for (const request of inbox.succeeded().slice(0, 5)) verifySignature(hook.secret, request)
  })
}
