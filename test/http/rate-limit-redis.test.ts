// Rate limits shared through Redis (FIREHOUSE_REDIS_URL): R1 semantics, one bucket across server
// instances, and the fallback to per-process buckets while Redis is unreachable.

import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { connect } from 'node:net'
import { after, test, type TestContext } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { createClient } from '@redis/client'
import { showCase } from '../../src/service/case-view.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { createTestTenant, expectCode, expectOk, form, post, startTestServer, workflowUrl, type TestServer } from '../helpers/server.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'

const REDIS_HOST = '127.0.0.1'
const REDIS_PORT = 6379
const REDIS_URL = `redis://${REDIS_HOST}:${REDIS_PORT}`
/** Every key this run writes starts with it, and is deleted after. */
const PREFIX = `firehouse-test:${randomUUID()}:`
const RATE = 2
const BURST = RATE * 2

function redisReachable(): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(REDIS_PORT, REDIS_HOST)
    socket.setTimeout(1_000, () => socket.destroy())
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('close', () => resolve(false))
    socket.once('error', () => undefined)
  })
}

function limitedEnv(redisUrl: string): Record<string, string> {
  return { FIREHOUSE_RATE_LIMIT: String(RATE), FIREHOUSE_REDIS_URL: redisUrl, FIREHOUSE_REDIS_PREFIX: PREFIX }
}

const newRedisClient = () => createClient({ url: REDIS_URL })

async function withRedis<T>(use: (client: ReturnType<typeof newRedisClient>) => Promise<T>): Promise<T> {
  const client = newRedisClient()
  await client.connect()
  try {
    return await use(client)
  } finally {
    client.destroy()
  }
}

/** The key's bucket as the Redis limiter stores it (null: no bucket, i.e. full). */
function storedTokens(keyId: string): Promise<number | null> {
  return withRedis(async (client) => {
    const tokens = await client.hGet(`${PREFIX}ratelimit:${keyId}`, 'tokens')
    return tokens === null ? null : Number(tokens)
  })
}

async function fallbackCount(server: TestServer): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text()
  const match = /^firehouse_rate_limit_fallback_total (\d+)/m.exec(text)
  assert.ok(match, 'no firehouse_rate_limit_fallback_total in /metrics')
  return Number(match[1])
}

/** One v4.1 call on record 12 that changes the case (so a write shows up in its history). */
function call(server: TestServer, key: string, i: number): Promise<Response> {
  return post(workflowUrl(server), form({ number_customergauge: 12, comment: `call ${i}` }), { key })
}

async function remainingOf(answer: Response, limit = BURST): Promise<number> {
  await expectOk(answer, 12)
  assert.equal(answer.headers.get('ratelimit-limit'), String(limit))
  return Number(answer.headers.get('ratelimit-remaining'))
}

/**
 * Sends `count` calls with `key` at once (through `servers` in turn), so they all land well within the
 * half second in which the bucket (2 tokens/s) would gain a token: the test holds on a slow machine.
 * Returns the answers sorted into the allowed ones' Remaining values (descending) and the refused ones.
 */
async function burst(servers: TestServer[], key: string, count: number, { from = 0, limit = BURST } = {}) {
  const answers = await Promise.all(Array.from({ length: count }, (_, i) => call(servers[i % servers.length]!, key, from + i)))
  const allowed = answers.filter((answer) => answer.status === 200)
  const remaining = (await Promise.all(allowed.map((answer) => remainingOf(answer, limit)))).sort((a, b) => b - a)
  const resets = await Promise.all(answers.filter((answer) => answer.status !== 200).map(expectRefused))
  return { remaining, refused: resets.length, reset: Math.max(0, ...resets) }
}

async function expectRefused(answer: Response): Promise<number> {
  const retryAfter = answer.headers.get('retry-after') ?? ''
  assert.match(retryAfter, /^\d+$/, `HTTP ${answer.status}, RateLimit-Remaining ${answer.headers.get('ratelimit-remaining')}`)
  assert.ok(Number(retryAfter) >= 1)
  assert.equal(answer.headers.get('ratelimit-remaining'), '0')
  await expectCode(answer, 300008)
  return Number(answer.headers.get('ratelimit-reset'))
}

async function setup(kind: TestDatabaseKind, t: TestContext, redisUrl = REDIS_URL) {
  const server = await startTestServer(kind, { env: limitedEnv(redisUrl) })
  t.after(server.close)
  const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
  // B's own limit is high, so its 10 calls are never refused on their own account.
  const other = await createTestTenant(server.ctx, { slug: 'other', records: [12], rateLimit: 100 })
  return { server, acme, other }
}

const reachable = await redisReachable()

if (!reachable && !process.env.CI) {
  test('Redis rate limits', (t) => t.skip(`Redis is not reachable at ${REDIS_URL} (and CI is unset): the shared-limit tests are skipped`))
} else {
  after(() =>
    withRedis(async (client) => {
      const keys: string[] = []
      for await (const batch of client.scanIterator({ MATCH: `${PREFIX}*`, COUNT: 1000 })) keys.push(...batch)
      if (keys.length > 0) await client.del(keys)
    }),
  )

  for (const kind of TEST_DATABASES) {
    test(`[${kind.name}] Redis limiter: Remaining counts down by 1 to 0, then 429 300008 with Retry-After ≥ 1 that writes nothing; key B unaffected; served again after Reset`, async (t) => {
      const { server, acme, other } = await setup(kind, t)
      // Quota + 5 calls of key A, and 10 of key B among them, all at once.
      const [a, b] = await Promise.all([burst([server], acme.key, BURST + 5), burst([server], other.key, 10, { limit: 200 })])
      // Each allowed call took one token in turn (the script is atomic): 3, 2, 1, 0.
      assert.deepEqual(a.remaining, [3, 2, 1, 0])
      assert.equal(a.refused, 5)
      assert.equal(b.refused, 0)
      assert.equal((await showCase(server.ctx, 'acme', 12)).history.length, BURST, 'a refused call wrote')
      assert.equal((await showCase(server.ctx, 'other', 12)).history.length, 10)
      // The bucket lives in Redis, not in the process.
      const tokens = await storedTokens(acme.keyId)
      assert.ok(tokens !== null && tokens < 1, `tokens in Redis: ${tokens}`)
      assert.equal(await fallbackCount(server), 0)
      assert.ok(a.reset >= 1 && a.reset <= BURST / RATE, `RateLimit-Reset ${a.reset}`)
      await sleep(a.reset * 1000 + 100)
      assert.equal(await remainingOf(await call(server, acme.key, 99)), BURST - 1)
    })

    test(`[${kind.name}] two server instances on one Redis share a key's bucket: half spent on each exhausts it on both`, async (t) => {
      const first = await startTestServer(kind, { env: limitedEnv(REDIS_URL) })
      const second = await startTestServer(kind, { env: limitedEnv(REDIS_URL), database: first.database })
      t.after(async () => {
        await second.close()
        await first.close()
      })
      const acme = await createTestTenant(first.ctx, { slug: 'acme', records: [12] })
      // Two calls on each instance: with a bucket per process they would read 3, 3, 2, 2.
      const spent = await burst([first, second], acme.key, BURST)
      assert.deepEqual(spent.remaining, [3, 2, 1, 0])
      const after = await burst([first, second], acme.key, 2, { from: BURST })
      assert.deepEqual([after.remaining, after.refused], [[], 2])
      assert.equal((await showCase(second.ctx, 'acme', 12)).history.length, BURST)
    })

    test(`[${kind.name}] Redis cut mid-run: limits fall back to the process's own bucket (answers keep their headers, a metric counts it), shared again once Redis is back`, async (t) => {
      const proxy = await startTcpProxy(REDIS_HOST, REDIS_PORT)
      t.after(proxy.close)
      const { server, other } = await setup(kind, t, `redis://127.0.0.1:${proxy.port}`)
      assert.equal(await remainingOf(await call(server, other.key, 0), 200), 199)
      assert.ok((await storedTokens(other.keyId)) !== null)
      proxy.cut()
      for (let i = 1; i <= 3; i++) {
        const answer = await call(server, other.key, i)
        await expectOk(answer, 12)
        assert.match(answer.headers.get('ratelimit-remaining') ?? '', /^\d+$/)
      }
      assert.ok((await fallbackCount(server)) >= 3)
      proxy.restore()
      // The client reconnects with a back-off of at most 2 s; then the shared bucket decides again.
      let shared = false
      for (let i = 0; i < 40 && !shared; i++) {
        await sleep(100)
        const before = await fallbackCount(server)
        await expectOk(await call(server, other.key, 10 + i), 12)
        shared = (await fallbackCount(server)) === before
      }
      assert.ok(shared, 'the limiter never went back to Redis')
    })
  }
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] Redis unreachable from the start: the server starts, answers, and still limits each key per process`, async (t) => {
    // Port 1 on loopback: nothing listens there, so every connection is refused.
    const { server, acme } = await setup(kind, t, 'redis://127.0.0.1:1')
    const { remaining, refused } = await burst([server], acme.key, BURST + 1)
    assert.deepEqual([remaining, refused], [[3, 2, 1, 0], 1])
    assert.equal((await showCase(server.ctx, 'acme', 12)).history.length, BURST)
    assert.ok((await fallbackCount(server)) >= BURST + 1)
  })
}
