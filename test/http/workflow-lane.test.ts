// The v4.1 lane (src/http/workflow-lane.ts) answers as Fastify's route does: the same status,
// headers and body for every kind of call, the same access line, the same metrics; it takes only
// what it may (anything else reaches Fastify with its body unread), and it does take the calls of
// a remembered key (Fastify's hooks never see them).
//
// Two real servers over HTTP on 127.0.0.1, each on a fresh database with the same tenant: one is
// sent every call with a key used for the first time (a key the process does not remember goes to
// Fastify), the other with a key it has used once before (the lane).

import assert from 'node:assert/strict'
import { IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Socket } from 'node:net'
import { test, type TestContext } from 'node:test'
import { loadConfig } from '../../src/config.js'
import { buildServer } from '../../src/http/server.js'
import { laneApiKey, laneFormat } from '../../src/http/workflow-lane.js'
import { createApiKey, revokeApiKey } from '../../src/service/api-keys.js'
import { showCase } from '../../src/service/case-view.js'
import { createServiceContext } from '../../src/service/context.js'
import { openDatabase } from '../../src/store/database.js'
import { migrateToLatest } from '../../src/store/migrate.js'
import { useWriterThread, writerThreadApplies } from '../../src/service/writer-thread.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { spawnServer } from '../helpers/process.js'
import { createTestTenant, form } from '../helpers/server.js'

/**
 * A server as `serve` runs it (on SQLite its writes on the writer thread, whose callers it
 * remembers), with a count of the requests Fastify's own hooks saw.
 */
async function countedServer(t: TestContext, kind: TestDatabaseKind, env: Record<string, string> = {}) {
  const database = await kind.create()
  const config = loadConfig({ FIREHOUSE_DB: database.url, FIREHOUSE_LOG_LEVEL: 'silent', FIREHOUSE_RATE_LIMIT: '0', ...env })
  const store = await openDatabase(config.db)
  await migrateToLatest(store.db)
  const ctx = createServiceContext(store)
  const app = buildServer({ config, ctx })
  const seen = { fastify: 0 }
  app.addHook('onRequest', async () => {
    seen.fastify++
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.after(async () => {
    await app.close()
    await ctx.writerThread?.close()
    await store.close()
    await database.drop()
  })
  await createTestTenant(ctx, { slug: 'acme', records: [12, 13, 14, 15], users: ['ann@acme.test'] })
  if (writerThreadApplies(ctx)) useWriterThread(ctx, database.url)
  return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, ctx, seen }
}

interface Sent {
  path: string
  body: string
  contentType?: string
  headers?: Record<string, string>
}

/** Every kind of answer a v4.1 call can get, in an order whose writes each server repeats alike. */
const CALLS: readonly Sent[] = [
  { path: '/v4.1/workflow.json', body: form({ number_customergauge: 12, status: 'open', comment: 'first', assigned_to: 'ann@acme.test' }) },
  { path: '/v4.1/workflow.xml', body: form({ number_customergauge: 12, status: 'progress' }) },
  { path: '/v4.1/workflow', body: form({ number_customergauge: 13, comment: 'no extension' }) },
  { path: '/v4.1/workflow.json', body: '{"number_customergauge":"14","comment":"json, the CG-ID as a string"}', contentType: 'application/json' },
  { path: '/v4.1/workflow.xml', body: '{"number_customergauge":14,"status":"closed"}', contentType: 'Application/JSON; charset=UTF-8' },
  { path: '/v4.1/workflow.json', body: form({ number_customergauge: 12, comment: 'charset' }), contentType: 'application/x-www-form-urlencoded; charset=utf-8' },
  { path: '/v4.1/workflow.json', body: form({ number_customergauge: 999, comment: 'no such record' }) },
  { path: '/v4.1/workflow.xml', body: form({ number_customergauge: 999 }) },
  { path: '/v4.1/workflow.json', body: form({ number_customergauge: 'twelve' }) },
  { path: '/v4.1/workflow.json', body: form({ comment: 'no CG-ID' }) },
  { path: '/v4.1/workflow.xml', body: form({ number_customergauge: 12, status: 'no <such> status' }) },
  { path: '/v4.1/workflow.json', body: form({ number_customergauge: 12, assigned_to: 'nobody@acme.test' }) },
  { path: '/v4.1/workflow.json', body: form({ number_customergauge: 12, comment: 'x'.repeat(10_001) }) },
  { path: '/v4.1/workflow.json', body: 'number_customergauge=12&comment=%ZZ' },
  { path: '/v4.1/workflow.json', body: '{"number_customergauge":12,', contentType: 'application/json' },
  { path: '/v4.1/workflow.json', body: 'number_customergauge=12&number_customergauge=13' },
  { path: '/v4.1/workflow.json', body: Array.from({ length: 101 }, (_, i) => `f${i}=1`).join('&') },
  { path: '/v4.1/workflow.json', body: form({ number_customergauge: 12, happened_at: '2999-01-01T00:00:00Z' }) },
  { path: '/v4.1/workflow.json', body: form({ number_customergauge: 15, comment: 'keyed' }), headers: { 'idempotency-key': 'k-1' } },
  { path: '/v4.1/workflow.json', body: form({ number_customergauge: 15, comment: 'keyed' }), headers: { 'idempotency-key': 'k-1' } },
  { path: '/v4.1/workflow.json', body: form({ number_customergauge: 15, comment: 'other fields' }), headers: { 'idempotency-key': 'k-1' } },
  { path: '/v4.1/workflow.json', body: form({ number_customergauge: 15 }), headers: { 'idempotency-key': 'not visible ascii' } },
  { path: '/v4.1/workflow.json', body: form({ number_customergauge: 15, comment: 'version 2' }), headers: { 'if-match': '"2"' } },
  { path: '/v4.1/workflow.xml', body: form({ number_customergauge: 15, comment: 'stale' }), headers: { 'if-match': '"1"' } },
  { path: '/v4.1/workflow.json', body: form({ number_customergauge: 15 }), headers: { 'if-match': 'W/"1"' } },
]

/** An answer as compared: its status, its headers in order (but the two that differ per answer), its body. */
async function send(url: string, key: string, call: Sent): Promise<{ status: number; headers: string[]; body: string }> {
  const response = await fetch(`${url}${call.path}`, {
    method: 'POST',
    headers: { authorization: `api_key ${key}`, 'content-type': call.contentType ?? 'application/x-www-form-urlencoded', ...call.headers },
    body: call.body,
  })
  const headers = [...response.headers].filter(([name]) => name !== 'date' && name !== 'x-request-id').map(([name, value]) => `${name}: ${value}`)
  assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/)
  return { status: response.status, headers, body: await response.text() }
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] the lane answers every kind of v4.1 call as Fastify's route does, and Fastify's hooks never see those calls`, async (t) => {
    const [fastify, lane] = await Promise.all([countedServer(t, kind), countedServer(t, kind)])
    const laneKey = (await createApiKey(lane.ctx, 'acme', 'lane')).key
    const warmUp = form({ number_customergauge: 13, comment: 'remembered' })
    await send(lane.url, laneKey, { path: '/v4.1/workflow.json', body: warmUp })
    await send(fastify.url, (await createApiKey(fastify.ctx, 'acme', 'warm-up')).key, { path: '/v4.1/workflow.json', body: warmUp })
    const before = { fastify: fastify.seen.fastify, lane: lane.seen.fastify }
    for (const call of CALLS) {
      const firstUse = (await createApiKey(fastify.ctx, 'acme', 'once')).key
      const expected = await send(fastify.url, firstUse, call)
      assert.deepEqual(await send(lane.url, laneKey, call), expected, `${call.path} ${call.body.slice(0, 80)}`)
    }
    assert.equal(fastify.seen.fastify - before.fastify, CALLS.length)
    assert.equal(lane.seen.fastify - before.lane, 0, 'the remembered key\'s calls went through Fastify')
  })

  test(`[${kind.name}] a key revoked after the lane remembered it is refused 200000 there, as Fastify refuses it, and nothing is written`, async (t) => {
    const [fastify, lane] = await Promise.all([countedServer(t, kind), countedServer(t, kind)])
    const keys = await Promise.all([createApiKey(fastify.ctx, 'acme', 'revoked'), createApiKey(lane.ctx, 'acme', 'revoked')])
    const call = { path: '/v4.1/workflow.xml', body: form({ number_customergauge: 12, comment: 'after revocation' }) }
    await send(lane.url, keys[1].key, { path: '/v4.1/workflow.json', body: form({ number_customergauge: 12, comment: 'remembered' }) })
    await revokeApiKey(fastify.ctx, 'acme', keys[0].info.id)
    await revokeApiKey(lane.ctx, 'acme', keys[1].info.id)
    const before = lane.seen.fastify
    const expected = await send(fastify.url, keys[0].key, call)
    assert.equal(expected.status, 401)
    assert.deepEqual(await send(lane.url, keys[1].key, call), expected)
    assert.equal(lane.seen.fastify, before)
    const again = await send(lane.url, keys[1].key, call)
    assert.deepEqual(again, expected, 'refused again, now by Fastify: the lane forgot the key')
    assert.deepEqual((await showCase(lane.ctx, 'acme', 12)).history.map((entry) => entry.comment), ['remembered'])
  })

  test(`[${kind.name}] with a rate limit the lane sends the same RateLimit headers and refuses the same call 300008`, async (t) => {
    const [fastify, lane] = await Promise.all([countedServer(t, kind, { FIREHOUSE_RATE_LIMIT: '1' }), countedServer(t, kind, { FIREHOUSE_RATE_LIMIT: '1' })])
    const keys = await Promise.all([createApiKey(fastify.ctx, 'acme', 'limited'), createApiKey(lane.ctx, 'acme', 'limited')])
    const call = { path: '/v4.1/workflow.json', body: form({ number_customergauge: 12, comment: 'limited' }) }
    // Each server warmed up by another key first (the writer thread started, its statements
    // prepared), so that a key's three calls take well under the second in which a token comes back.
    for (const server of [fastify, lane]) await send(server.url, (await createApiKey(server.ctx, 'acme', 'warm-up')).key, call)
    const before = lane.seen.fastify
    // A burst of two (twice the rate): the first two pass, the third is refused with Retry-After.
    const burst = async (url: string, key: string) => [await send(url, key, call), await send(url, key, call), await send(url, key, call)]
    const answers = { fastify: await burst(fastify.url, keys[0].key), lane: await burst(lane.url, keys[1].key) }
    assert.deepEqual(answers.lane.map((a) => a.status), [200, 200, 429])
    const withoutReset = (answer: Awaited<ReturnType<typeof send>>) => ({ ...answer, headers: answer.headers.filter((h) => !/^(ratelimit-reset|retry-after):/.test(h)) })
    assert.deepEqual(answers.lane.map(withoutReset), answers.fastify.map(withoutReset))
    assert.deepEqual(answers.lane.map((a) => a.headers.map((h) => h.split(':')[0])), answers.fastify.map((a) => a.headers.map((h) => h.split(':')[0])))
    assert.equal(lane.seen.fastify - before, 1, 'only the key\'s first call reached Fastify')
  })
}

test('the lane writes the access line Fastify writes for the same call, and counts it in /metrics under its route', async (t) => {
  const kind = TEST_DATABASES[0]!
  const database = await kind.create()
  t.after(() => database.drop())
  const node = await spawnServer(database.url, { env: { FIREHOUSE_LOG_LEVEL: 'info' } })
  t.after(() => node.stop())
  const ctx = createServiceContext(await openDatabase(loadConfig({ FIREHOUSE_DB: database.url }).db))
  t.after(() => ctx.store.close())
  const acme = await createTestTenant(ctx, { slug: 'acme', records: [12] })
  const call = { path: '/v4.1/workflow.json', body: form({ number_customergauge: 12, comment: 'logged' }) }
  const first = await send(node.url, acme.key, call)
  const second = await send(node.url, acme.key, call)
  assert.deepEqual(second, first)
  // The lines reach standard output once per turn of the server's event loop: waited for, within 10 s.
  const accessLines = () => node.output().split('\n').filter((line) => line.includes('"msg":"request completed"') && line.includes('/v4.1/'))
  for (const deadline = Date.now() + 10_000; accessLines().length < 2 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20))
  const lines = accessLines()
  assert.equal(lines.length, 2, node.output())
  const comparable = (line: string) =>
    line.replace(/"time":\d+/, '"time":T').replace(/"responseTime":[\d.e-]+/, '"responseTime":R').replace(/"reqId":"[^"]+"/, '"reqId":I').replace(/"remotePort":\d+/, '"remotePort":P')
  assert.equal(comparable(lines[1]!), comparable(lines[0]!))
  const metrics = await (await fetch(`${node.url}/metrics`)).text()
  assert.match(metrics, /firehouse_http_requests_total\{method="POST",route="\/v4\.1\/workflow\.json",status="200"\} 2\b/)
})

/** A request as Node's parser would hand it over, from its line and its headers as sent. */
function incoming(method: string, url: string, rawHeaders: string[]): IncomingMessage {
  const message = new IncomingMessage(new Socket())
  message.method = method
  message.url = url
  message.rawHeaders = rawHeaders
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase()
    if (message.headers[name] === undefined) message.headers[name] = rawHeaders[i + 1]
  }
  return message
}

const TAKEN = ['Host', 'h', 'Content-Type', 'application/x-www-form-urlencoded', 'Content-Length', '30', 'Authorization', 'api_key k']

test('the lane takes a request only when its line and headers show that Fastify\'s checks before the handler pass', () => {
  assert.equal(laneFormat(incoming('POST', '/v4.1/workflow.json', TAKEN)), 'json')
  assert.equal(laneFormat(incoming('POST', '/v4.1/workflow', TAKEN)), 'json')
  assert.equal(laneFormat(incoming('POST', '/v4.1/workflow.xml', TAKEN)), 'xml')
  const replaced = (name: string, value: string) => TAKEN.map((part, i) => (i > 0 && TAKEN[i - 1] === name ? value : part))
  const without = (name: string) => TAKEN.filter((part, i) => part !== name && TAKEN[i - 1] !== name)
  const refused: Array<[string, string, string[]]> = [
    ['GET', '/v4.1/workflow.json', TAKEN],
    ['POST', '/v4.1/workflow.json?number_customergauge=12', TAKEN],
    ['POST', '/v4.1/workflow.XML', TAKEN],
    ['POST', '/v4.1/workflow%2ejson', TAKEN],
    ['POST', '/v4.1/workflow.json', replaced('Content-Type', 'multipart/form-data; boundary=x')],
    ['POST', '/v4.1/workflow.json', replaced('Content-Type', 'text/plain')],
    ['POST', '/v4.1/workflow.json', replaced('Content-Type', 'application/json;charset=utf-8;x=1')],
    ['POST', '/v4.1/workflow.json', without('Content-Type')],
    ['POST', '/v4.1/workflow.json', without('Content-Length')],
    ['POST', '/v4.1/workflow.json', replaced('Content-Length', '0')],
    ['POST', '/v4.1/workflow.json', replaced('Content-Length', '65537')],
    ['POST', '/v4.1/workflow.json', replaced('Content-Length', '+30')],
    ['POST', '/v4.1/workflow.json', [...TAKEN, 'Transfer-Encoding', 'chunked']],
    ['POST', '/v4.1/workflow.json', without('Host')],
    ['POST', '/v4.1/workflow.json', [...TAKEN, 'host', 'other']],
    ['POST', '/v4.1/workflow.json', [...TAKEN, 'content-type', 'application/json']],
    ['POST', '/v4.1/workflow.json', [...TAKEN, 'AUTHORIZATION', 'api_key other']],
  ]
  for (const [method, url, headers] of refused) assert.equal(laneFormat(incoming(method, url, headers)), undefined, `${method} ${url} ${headers.join(' ')}`)
  assert.equal(laneFormat(incoming('POST', '/v4.1/workflow.json', replaced('Content-Length', '65536'))), 'json')
})

test('the lane reads only a well-formed API key; a bearer token or a malformed header is left to Fastify', () => {
  assert.equal(laneApiKey('api_key fh_abc'), 'fh_abc')
  assert.equal(laneApiKey('API_KEY   fh_abc  '), 'fh_abc')
  for (const header of [undefined, '', 'Bearer tok', 'api_key', 'api_key a b', 'basic x', `api_key ${'k'.repeat(201)}`]) {
    assert.equal(laneApiKey(header), undefined, String(header))
  }
})
