// The typed client as a connected app (SPEC §10) against the real server, both databases and both
// formats: it fetches its own token (HTTP Basic), keeps it, renews it before expiry by its clock
// and once when the server refuses it, and apiKey and clientId/secret exclude each other.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { WorkflowApiError, WorkflowClient, type WorkflowClientOptions } from '../../src/client/index.js'
import { revokeOAuthApp } from '../../src/service/oauth-apps.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestApp } from '../helpers/oauth.js'
import { WIRE_FORMATS, createTestTenant, startTestServer } from '../helpers/server.js'

/** The global fetch, counting the requests by path: it observes, it changes nothing. */
function countingFetch() {
  const paths: string[] = []
  const fetchAndCount = (input: string, init: RequestInit) => {
    paths.push(new URL(input).pathname)
    return fetch(input, init)
  }
  return { fetch: fetchAndCount, tokenRequests: () => paths.filter((path) => path === '/oauth2/token').length, paths }
}

for (const kind of TEST_DATABASES) {
  for (const format of WIRE_FORMATS) {
    test(`[${kind.name}] [${format}] a client with clientId/secret updates a case on v4.1 and reads it, with one token for many calls; changes are the app's`, async (t) => {
      const server = await startTestServer(kind)
      t.after(server.close)
      await createTestTenant(server.ctx, { slug: 'acme', records: [12, 13] })
      const app = await createTestApp(server.ctx, 'acme')
      const counter = countingFetch()
      const cg = new WorkflowClient({ baseUrl: server.url, clientId: app.clientId, clientSecret: app.clientSecret, format, fetch: counter.fetch, retries: 0 })
      assert.deepEqual(await cg.updateWorkflow({ numberCustomergauge: 12, status: 'PROGRESS', comment: 'on it' }), { numberCustomergauge: 12 })
      await cg.updateWorkflow({ numberCustomergauge: 13, status: 'CLOSE' })
      const shown = await cg.getCase(12)
      assert.deepEqual(shown.history.map((entry) => [entry.actor, entry.status_to, entry.comment]), [[`app:${app.clientId}`, 'PROGRESS', 'on it']])
      assert.equal((await cg.casePage({ perPage: 10 })).data.length, 2)
      assert.deepEqual(await cg.webhooks.list(), [])
      assert.equal(counter.tokenRequests(), 1, `one token for every call: ${counter.paths.join(' ')}`)
      const missing = await cg.updateWorkflow({ numberCustomergauge: 99 }).catch((error: unknown) => error)
      assert.ok(missing instanceof WorkflowApiError && missing.code === 400200)
    })
  }

  test(`[${kind.name}] the client renews its token once the server refuses it (the server's clock past the hour), and before it expires by its own clock`, async (t) => {
    let serverNow = Date.parse('2026-12-01T10:00:00.000Z')
    const server = await startTestServer(kind, { now: () => new Date(serverNow) })
    t.after(server.close)
    await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    const app = await createTestApp(server.ctx, 'acme')
    const counter = countingFetch()
    let clientNow = Date.parse('2026-12-01T10:00:00.000Z')
    const cg = new WorkflowClient({ baseUrl: server.url, clientId: app.clientId, clientSecret: app.clientSecret, fetch: counter.fetch, now: () => clientNow, retries: 0 })
    await cg.updateWorkflow({ numberCustomergauge: 12, comment: 'first' })
    assert.equal(counter.tokenRequests(), 1)

    // The server's clock is an hour on, the client's is not: the token is refused, renewed, the call sent again.
    serverNow += 3600_000
    await cg.updateWorkflow({ numberCustomergauge: 12, comment: 'after the hour' })
    assert.equal(counter.tokenRequests(), 2)
    assert.deepEqual(counter.paths.slice(-3), ['/v4.1/workflow.json', '/oauth2/token', '/v4.1/workflow.json'], 'refused once, then sent with the new token')

    // By its own clock, 59 minutes on: renewed before it is sent, no refusal first.
    clientNow += 59 * 60_000
    const before = counter.paths.length
    assert.equal((await cg.getCase(12)).history.length, 2)
    assert.deepEqual(counter.paths.slice(before), ['/oauth2/token', '/api/v1/cases/12'])
    await cg.getCase(12)
    assert.equal(counter.tokenRequests(), 3, 'the new token is kept')
  })

  test(`[${kind.name}] a revoked app's client fails with code 200000 (its token refused, and a new one too)`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    const app = await createTestApp(server.ctx, 'acme')
    const cg = new WorkflowClient({ baseUrl: server.url, clientId: app.clientId, clientSecret: app.clientSecret, retries: 0 })
    await cg.getCase(12)
    await revokeOAuthApp(server.ctx, 'acme', app.clientId)
    const error = await cg.getCase(12).catch((caught: unknown) => caught)
    assert.ok(error instanceof WorkflowApiError)
    assert.deepEqual([error.kind, error.code, error.status], ['api', 200000, 401])
    assert.match(error.message, /invalid_client/)
    assert.ok(!error.message.includes(app.clientSecret.slice(4)), 'the secret is not in the message')
    const wrong = new WorkflowClient({ baseUrl: server.url, clientId: app.clientId, clientSecret: 'fhs_wrong', retries: 0 })
    assert.equal(((await wrong.getCase(12).catch((caught: unknown) => caught)) as WorkflowApiError).code, 200000)
  })
}

test('apiKey and clientId/clientSecret exclude each other; an app needs both its id and secret (a TypeError naming them)', () => {
  const bad: [Partial<WorkflowClientOptions>, RegExp][] = [
    [{ apiKey: 'fh_k', clientId: 'fhc_x', clientSecret: 'fhs_y' }, /give apiKey, or clientId and clientSecret, not both/],
    [{ apiKey: 'fh_k', clientSecret: 'fhs_y' }, /not both/],
    [{ clientId: 'fhc_x' }, /clientSecret must be a non-empty string/],
    [{ clientSecret: 'fhs_y' }, /clientId must be a non-empty string/],
    [{ clientId: 'fhc x', clientSecret: 'fhs_y' }, /clientId must be/],
    [{}, /apiKey must be a non-empty string.*or give clientId and clientSecret/],
    [{ clientId: 'fhc_x', clientSecret: 'fhs_y', now: 5 as unknown as () => number }, /now must be a function/],
  ]
  for (const [options, message] of bad) {
    assert.throws(() => new WorkflowClient({ baseUrl: 'http://127.0.0.1:1', ...options }), (error: unknown) => error instanceof TypeError && message.test(error.message), JSON.stringify(options))
  }
  assert.equal(new WorkflowClient({ baseUrl: 'http://127.0.0.1:1/', clientId: 'fhc_x', clientSecret: 'fhs_y' }).baseUrl, 'http://127.0.0.1:1')
})
