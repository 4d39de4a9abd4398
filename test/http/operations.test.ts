// The operations surface: /healthz, /readyz, /metrics, X-Request-Id, logs without secrets, graceful stop.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { spawnServer } from '../helpers/process.js'
import { createTestTenant, form, post, startTestServer } from '../helpers/server.js'

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] /healthz and /readyz answer without a key; /metrics counts requests by route and status`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [1] })
    assert.deepEqual(await (await fetch(`${server.url}/healthz`)).json(), { status: 'ok' })
    const ready = await fetch(`${server.url}/readyz`)
    assert.equal(ready.status, 200)
    assert.deepEqual(await ready.json(), { status: 'ready' })

    const answer = await post(`${server.url}/v4.1/workflow.json`, form({ number_customergauge: 1 }), { key: acme.key })
    assert.equal(answer.status, 200)
    assert.match(answer.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/)
    assert.equal(answer.headers.get('x-powered-by'), null)
    await post(`${server.url}/v4.1/workflow.json`, form({ number_customergauge: 999 }), { key: acme.key })

    const metrics = await fetch(`${server.url}/metrics`)
    assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/)
    const text = await metrics.text()
    assert.match(text, /firehouse_http_requests_total\{method="POST",route="\/v4\.1\/workflow\.json",status="200"\} 1/)
    assert.match(text, /firehouse_http_requests_total\{method="POST",route="\/v4\.1\/workflow\.json",status="400"\} 1/)
    assert.match(text, /firehouse_http_request_duration_seconds_bucket\{le="0\.005",method="POST"/)
    assert.match(text, /firehouse_db_pool_connections\{state="total"\} \d+/)
  })

  test(`[${kind.name}] SIGTERM finishes in-flight requests, exits 0, and no acknowledged write is lost; logs never hold the key`, async (t) => {
    const { ctx, database } = await openTestContext(t, kind)
    const acme = await createTestTenant(ctx, { slug: 'acme', records: [7] })
    const server = await spawnServer(database.url, { env: { FIREHOUSE_LOG_LEVEL: 'info' } })
    t.after(() => server.stop('SIGKILL'))

    const sending = Array.from({ length: 40 }, (_, i) =>
      post(`${server.url}/v4.1/workflow.json`, form({ number_customergauge: 7, comment: `in flight ${i}` }), { key: acme.key })
        .then((response) => response.status)
        .catch(() => 'refused'),
    )
    await new Promise((resolve) => setTimeout(resolve, 20))
    const exitCode = await server.stop('SIGTERM')
    const outcomes = await Promise.all(sending)
    assert.equal(exitCode, 0, server.output())
    assert.ok(outcomes.every((outcome) => outcome === 200 || outcome === 'refused' || outcome === 503), JSON.stringify(outcomes))
    const stored = new Set((await showCase(ctx, 'acme', 7)).history.map((entry) => entry.comment))
    const lost = outcomes.flatMap((outcome, i) => (outcome === 200 && !stored.has(`in flight ${i}`) ? [i] : []))
    assert.deepEqual(lost, [], 'acknowledged updates missing from the history')
    assert.match(server.output(), /"reqId"/)
    assert.equal(server.output().includes(acme.key), false, 'the API key appears in the log')
  })
}
