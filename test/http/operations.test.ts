// The operations surface: /healthz, /readyz, /metrics, X-Request-Id, logs without secrets, graceful stop.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { showCase } from '../../src/service/case-view.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { spawnServer, type ServerProcess } from '../helpers/process.js'
import { openConnection, parseAnswers, rawFormPost, untilConnectionsRefused } from '../helpers/raw-http.js'
import { createTestTenant, expectCode, expectOk, form, post, startTestServer } from '../helpers/server.js'

/** Calls held in flight across the stop, one per connection. */
const IN_FLIGHT = 4
/** How long the server may take to see the calls, or to stop listening after the signal, on a loaded machine. */
const BOUND_MS = 20_000

/** Resolves once what the server printed satisfies `ready`; throws after BOUND_MS with the output. */
async function untilOutput(server: ServerProcess, ready: (output: string) => boolean): Promise<void> {
  const started = Date.now()
  while (!ready(server.output())) {
    if (Date.now() - started > BOUND_MS) throw new Error(`the server did not get there within ${BOUND_MS} ms: ${server.output()}`)
    await sleep(10)
  }
}

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

  test(`[${kind.name}] SIGTERM: calls in flight answer 200 and are written, calls after it are refused (503000 on a kept-alive connection), exit 0; logs never hold the key`, async (t) => {
    const { ctx, database } = await openTestContext(t, kind)
    const acme = await createTestTenant(ctx, { slug: 'acme', records: [7] })
    const server = await spawnServer(database.url, { env: { FIREHOUSE_LOG_LEVEL: 'debug' } })
    t.after(() => server.stop('SIGKILL'))

    // Each call stops 5 bytes short of its body: the server holds it, in flight, until the rest comes.
    const calls = Array.from({ length: IN_FLIGHT }, (_, i) => rawFormPost('/v4.1/workflow.json', acme.key, form({ number_customergauge: 7, comment: `in flight ${i}` })))
    const connections = await Promise.all(calls.map(() => openConnection(server.url)))
    for (const [i, call] of calls.entries()) connections[i]!.socket.write(call.slice(0, -5))
    // The signal only once the server has every call (a fixed pause loses that race on a busy machine).
    await untilOutput(server, (output) => (output.match(/"msg":"incoming request"/g) ?? []).length >= IN_FLIGHT)
    const exited = server.stop('SIGTERM')
    await untilConnectionsRefused(server.url, BOUND_MS)
    // The server is stopping: the rest of each call, and a new call behind it on the same connection.
    for (const [i, call] of calls.entries()) {
      const late = rawFormPost('/v4.1/workflow.json', acme.key, form({ number_customergauge: 7, comment: `late ${i}` }))
      connections[i]!.socket.write(call.slice(-5) + late)
    }
    const answers = await Promise.all(connections.map(async (connection) => parseAnswers(await connection.received)))
    assert.equal(await exited, 0, server.output())
    t.diagnostic(`answers per connection: ${answers.map((pair) => pair.map((answer) => answer.status).join('+')).join(', ')}`)
    for (const [i, [inFlight, late, ...more]] of answers.entries()) {
      assert.ok(inFlight, `call ${i} in flight got no answer: ${server.output()}`)
      await expectOk(inFlight, 7)
      assert.ok(late, `call ${i} after the signal got no answer`)
      await expectCode(late, 503000)
      assert.match(late.headers.get('retry-after') ?? '', /^[1-9]\d*$/)
      assert.deepEqual(more, [])
    }
    // Exactly the calls in flight were committed, each once; none of the refused ones.
    const stored = (await showCase(ctx, 'acme', 7)).history.map((entry) => entry.comment).sort()
    assert.deepEqual(stored, calls.map((_, i) => `in flight ${i}`).sort())
    assert.match(server.output(), /"reqId"/)
    assert.equal(server.output().includes(acme.key), false, 'the API key appears in the log')
  })
}
