// R3, scaled down: 50 sockets trickling one header byte a second are closed by the headers timeout,
// while normal calls keep being answered (their latency is reported, not asserted).

import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, form, post, startTestServer, workflowUrl, type TestServer } from '../helpers/server.js'

const SOCKETS = 50
const HEADERS_TIMEOUT_S = 2
/** Node checks for timed-out requests once a second (server.ts); a loaded machine adds its own delay. */
const CLOSE_SLACK_MS = 2_500
/** Past this the trickle gives up: a socket still open then was not closed by the server. */
const GIVE_UP_MS = HEADERS_TIMEOUT_S * 1000 + CLOSE_SLACK_MS + 3_000
const HEADER = 'POST /v4.1/workflow.json HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + 'a'.repeat(64)

/** Opens a socket that sends one byte of `HEADER` a second; resolves with the ms until the server closed it. */
function trickle(port: number): Promise<number> {
  return new Promise((resolve) => {
    const started = performance.now()
    const socket: Socket = connect(port, '127.0.0.1')
    let sent = 0
    const timer = setInterval(() => {
      if (performance.now() - started > GIVE_UP_MS) socket.destroy()
      else if (sent < HEADER.length && socket.writable) socket.write(HEADER[sent++]!)
    }, 1_000)
    socket.on('connect', () => socket.writable && socket.write(HEADER[sent++]!))
    socket.on('error', () => undefined)
    socket.on('data', () => undefined)
    socket.on('close', () => {
      clearInterval(timer)
      resolve(performance.now() - started)
    })
  })
}

/** Calls every 100 ms until `done` settles; returns each call's status and latency. */
async function normalCalls(server: TestServer, key: string, done: Promise<unknown>): Promise<{ status: number; ms: number }[]> {
  let finished = false
  void done.then(() => (finished = true))
  const calls: { status: number; ms: number }[] = []
  while (!finished) {
    const started = performance.now()
    const answer = await post(workflowUrl(server), form({ number_customergauge: 12 }), { key })
    await answer.arrayBuffer()
    calls.push({ status: answer.status, ms: performance.now() - started })
    await sleep(100)
  }
  return calls
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] ${SOCKETS} slow-loris sockets are closed within the ${HEADERS_TIMEOUT_S} s headers timeout while normal calls succeed`, async (t) => {
    const env = { FIREHOUSE_HEADERS_TIMEOUT: String(HEADERS_TIMEOUT_S), FIREHOUSE_REQUEST_TIMEOUT: String(HEADERS_TIMEOUT_S * 2) }
    const server = await startTestServer(kind, { env })
    t.after(server.close)
    assert.equal(server.app.server.headersTimeout, HEADERS_TIMEOUT_S * 1000)
    assert.equal(server.app.server.requestTimeout, HEADERS_TIMEOUT_S * 2000)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    const port = Number(new URL(server.url).port)
    const attack = Promise.all(Array.from({ length: SOCKETS }, () => trickle(port)))
    const [closedAfter, calls] = await Promise.all([attack, normalCalls(server, acme.key, attack)])
    const latencies = calls.map((call) => call.ms)
    t.diagnostic(
      `sockets closed after ${Math.min(...closedAfter).toFixed(0)}–${Math.max(...closedAfter).toFixed(0)} ms; ` +
        `${calls.length} normal calls meanwhile, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
    )
    for (const ms of closedAfter) assert.ok(ms <= HEADERS_TIMEOUT_S * 1000 + CLOSE_SLACK_MS, `a socket stayed open ${ms.toFixed(0)} ms`)
    assert.ok(calls.length >= 5, `only ${calls.length} normal calls`)
    assert.deepEqual(calls.filter((call) => call.status !== 200), [])
  })
}

test('the timeouts are validated: the headers bound may not exceed the request bound', async () => {
  const { loadConfig } = await import('../../src/config.js')
  assert.throws(() => loadConfig({ FIREHOUSE_HEADERS_TIMEOUT: '40', FIREHOUSE_REQUEST_TIMEOUT: '30' }), /must not exceed/)
  assert.throws(() => loadConfig({ FIREHOUSE_HEADERS_TIMEOUT: '0' }), /FIREHOUSE_HEADERS_TIMEOUT/)
  const defaults = loadConfig({})
  assert.deepEqual([defaults.headersTimeout, defaults.requestTimeout], [10, 30])
})
