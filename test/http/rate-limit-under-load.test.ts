// L3, scaled down: key A flooded by autocannon (its own process) for ~3 s while key B calls 5 times
// a second; B is never refused (its latency is reported, not asserted).

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { connect } from 'node:net'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, form, post, startTestServer, workflowUrl, type TestServer } from '../helpers/server.js'

const FLOOD_MS = 3_000
const FLOOD_CONCURRENCY = 32
const B_INTERVAL_MS = 200
/** Key A's limit (burst 10): low, so most of the flood is refused before it reaches the database. */
const RATE = 5

function redisReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(6379, '127.0.0.1')
    socket.setTimeout(1_000, () => socket.destroy())
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('close', () => resolve(false))
    socket.once('error', () => undefined)
  })
}

// A bucket's Redis key expires once the bucket would be full again (≤ 3 s here), so the run leaves nothing behind.
const LIMITERS: { name: string; env: Record<string, string> }[] = [{ name: 'in-process', env: {} }]
if ((await redisReachable()) || process.env.CI) {
  LIMITERS.push({ name: 'Redis', env: { FIREHOUSE_REDIS_URL: 'redis://127.0.0.1:6379', FIREHOUSE_REDIS_PREFIX: `firehouse-test:l3:${process.pid}:` } })
}

const AUTOCANNON = fileURLToPath(import.meta.resolve('autocannon/autocannon.js'))

/**
 * Floods the v4.1 endpoint with `key` from a separate process, so the load generator does not share
 * the server's event loop (as a real flood would not); returns the count of answers by status.
 */
async function flood(server: TestServer, key: string): Promise<Record<string, number>> {
  const args = [AUTOCANNON, '--json', '-c', String(FLOOD_CONCURRENCY), '-d', String(FLOOD_MS / 1000), '-m', 'POST']
  args.push('-H', `authorization=api_key ${key}`, '-H', 'content-type=application/x-www-form-urlencoded')
  args.push('-b', 'number_customergauge=12', workflowUrl(server))
  const { stdout } = await promisify(execFile)(process.execPath, args, { timeout: FLOOD_MS + 20_000 })
  const result = JSON.parse(stdout) as { statusCodeStats?: Record<string, { count: number }>; errors: number }
  const counts = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count]))
  return { ...counts, errors: result.errors }
}

/** Calls with `key` every B_INTERVAL_MS until `until`; returns each call's status and latency. */
async function steady(server: TestServer, key: string, until: number): Promise<{ status: number; ms: number }[]> {
  const calls: Promise<{ status: number; ms: number }>[] = []
  while (Date.now() < until) {
    const started = performance.now()
    calls.push(
      post(workflowUrl(server), form({ number_customergauge: 12 }), { key }).then(async (answer) => {
        await answer.arrayBuffer()
        return { status: answer.status, ms: performance.now() - started }
      }),
    )
    await sleep(B_INTERVAL_MS)
  }
  return Promise.all(calls)
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]!

for (const kind of TEST_DATABASES) {
  for (const limiter of LIMITERS) {
    test(`[${kind.name}] ${limiter.name} limiter: while key A is flooded, key B at 5 req/s is never refused`, async (t) => {
      const server = await startTestServer(kind, { env: { FIREHOUSE_RATE_LIMIT: String(RATE), ...limiter.env } })
      t.after(server.close)
      const a = await createTestTenant(server.ctx, { slug: 'flooder', records: [12] })
      // B's own limit sits well above its 5 calls a second: a refusal could only come from A's flood.
      const b = await createTestTenant(server.ctx, { slug: 'steady', records: [12], rateLimit: 50 })
      const until = Date.now() + FLOOD_MS
      const [floodCounts, calls] = await Promise.all([flood(server, a.key), steady(server, b.key, until)])
      const { errors, ...byStatus } = floodCounts
      const aCalls = Object.values(byStatus).reduce((sum, count) => sum + count, 0)
      const refusedA = byStatus['429'] ?? 0
      const latencies = calls.map((call) => call.ms)
      t.diagnostic(
        `A: ${aCalls} calls, ${refusedA} refused; B: ${calls.length} calls, ` +
          `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
      )
      assert.ok(refusedA > 0, 'the flood was never limited: the test did not load the limiter')
      assert.deepEqual(Object.keys(byStatus).filter((status) => status !== '200' && status !== '429'), [], `A saw ${JSON.stringify(floodCounts)}`)
      // The test process is also the server: on a loaded machine its timer fires late, hence only half.
      assert.ok(calls.length >= FLOOD_MS / B_INTERVAL_MS / 2, `B made only ${calls.length} calls`)
      assert.deepEqual(
        calls.filter((call) => call.status !== 200),
        [],
        'B was refused or failed',
      )
    })
  }
}
