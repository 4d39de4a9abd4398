// The order of checks of docs/errors.md, walked on both surfaces: one call per pair of neighbouring
// faults that can meet in one call, and the earlier fault's code wins (issue 13, item 19).

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { createApiKey, revokeApiKey } from '../../src/service/api-keys.js'
import { showCase } from '../../src/service/case-view.js'
import { api, expectApiError } from '../helpers/api-v1.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { exchange } from '../helpers/raw-http.js'
import { createTestTenant, expectCode, expectOk, startTestServer, workflowUrl, type TestServer, type WireFormat } from '../helpers/server.js'

const WORKFLOW_LIMIT = 64 * 1024
const RECORDS_LIMIT = 10 * 1024 * 1024
const FORM = 'application/x-www-form-urlencoded'
const INVALID_UTF8 = new Uint8Array([0x63, 0x6f, 0x6d, 0xff, 0xfe])

/** A body without a length: fetch sends a stream with Transfer-Encoding: chunked. */
function chunked(body: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      controller.enqueue(body)
      controller.close()
    },
  })
}

interface SendInit {
  method?: string
  key?: string
  contentType?: string
  body?: BodyInit
  headers?: Record<string, string>
}

/** Sends any request with fetch; `key: undefined` sends no Authorization. */
function send(url: string, init: SendInit = {}): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers }
  if (init.key !== undefined) headers.authorization = `api_key ${init.key}`
  if (init.contentType !== undefined) headers['content-type'] = init.contentType
  return fetch(url, { method: init.method ?? 'POST', headers, body: init.body, duplex: 'half' } as RequestInit)
}

/** A form body of `count` fields: `first`, then filler fields up to the count. */
function fields(count: number, first: string[]): string {
  const filler = Array.from({ length: count - first.length }, (_, i) => `f${i}=x`)
  return [...first, ...filler].join('&')
}

async function setup(kind: TestDatabaseKind, t: TestContext) {
  const server = await startTestServer(kind)
  t.after(server.close)
  const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12], users: ['des@acme.test'] })
  // One request a second, a burst of two: a few calls empty a key's bucket.
  const slow = await createTestTenant(server.ctx, { slug: 'slow', records: [12], rateLimit: 1 })
  return { server, acme, slow }
}

/** Calls until the key's bucket is empty (429), so the next call finds it empty. */
async function emptyBucket(server: TestServer, key: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const answer = await api(server, key, '/records/12')
    await answer.arrayBuffer()
    if (answer.status === 429) return
  }
  assert.fail('the bucket never emptied')
}

/**
 * Sends `call` right after emptying the key's bucket. A token may come back between the two on a
 * loaded machine (one a second): then the later fault answers, and the pair is tried again.
 */
async function whileLimited(server: TestServer, key: string, call: () => Promise<Response>): Promise<Response> {
  let answer: Response | undefined
  for (let attempt = 0; attempt < 5; attempt++) {
    await emptyBucket(server, key)
    answer = await call()
    if (answer.status === 429) return answer
    await answer.arrayBuffer()
  }
  return answer!
}

/** An exhausted key of the rate-limited tenant, revoked afterwards: it has both faults. */
async function revokedEmptyKey(server: TestServer): Promise<string> {
  const { key, info } = await createApiKey(server.ctx, 'slow', 'revoked')
  await emptyBucket(server, key)
  await revokeApiKey(server.ctx, 'slow', info.id)
  return key
}

/** The path the pair's first fault is on, as a raw HTTP/1.1 request without a Host. */
async function withoutHost(server: TestServer, path: string): Promise<Response> {
  const [answer] = await exchange(server.url, `POST ${path} HTTP/1.1\r\nContent-Length: 0\r\n\r\n`)
  assert.ok(answer, `no answer for ${path}`)
  return answer
}

/** Runs every check; returns the pairs that answered otherwise, each with what it answered. */
async function walk(checks: ReadonlyArray<readonly [string, () => Promise<void>]>): Promise<string[]> {
  const wrong: string[] = []
  for (const [what, check] of checks) {
    await check().catch((error: Error) => wrong.push(`${what}: ${error.message.split('\n', 1)[0]}`))
  }
  return wrong
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] v4.1: of two faults the earlier in the documented order answers, and nothing is written`, async (t) => {
    const { server, acme, slow } = await setup(kind, t)
    const url = (format: WireFormat = 'json') => workflowUrl(server, format)
    const nowhere = `${server.url}/v4.1/nothing.json`
    /** A form POST to /v4.1/workflow.json with acme's key, unless `init` says otherwise. */
    const v41 = (body: BodyInit | undefined, init: SendInit & { url?: string } = {}) =>
      send(init.url ?? url(), { key: acme.key, contentType: FORM, body, ...init })
    const json = (body: object, headers: Record<string, string> = {}) =>
      v41(JSON.stringify(body), { contentType: 'application/json', headers })
    const big = 'x'.repeat(WORKFLOW_LIMIT + 1)
    const longComment = 'x'.repeat(10_001)
    const badKey = { 'idempotency-key': 'a b' }
    const badIfMatch = { 'if-match': 'W/"1"' }
    const ahead = () => new Date(Date.now() + 120_000).toISOString()
    // The key of the Idempotency-Key pair: used once, with CG-ID 12.
    assert.equal((await json({ number_customergauge: 12 }, { 'idempotency-key': 'used' })).status, 200)

    // [the two faults, the call, its code, the answer's format, the message it must name]
    const pairs: Array<[string, () => Promise<Response>, number, WireFormat, RegExp?]> = [
      ['Host, then path', () => withoutHost(server, '/v4.1/nothing.xml'), 300005, 'xml'],
      ['path, then method', () => v41(undefined, { url: url('xml').replace('workflow', 'nothing'), method: 'GET' }), 300002, 'xml'],
      ['method, then API key', () => v41(undefined, { url: url('xml'), method: 'GET', key: undefined }), 300003, 'xml'],
      ['API key, then rate limit', async () => v41('number_customergauge=12', { key: await revokedEmptyKey(server) }), 200000, 'json'],
      ['rate limit, then body size', () => whileLimited(server, slow.key, () => v41(big, { key: slow.key })), 300008, 'json'],
      ['body size, then Content-Type', () => v41(big, { contentType: 'text/plain' }), 300006, 'json'],
      ['body size (chunked), then Content-Type', () => v41(chunked(Buffer.from(big)), { contentType: 'text/plain' }), 300006, 'json'],
      ['Content-Type, then body encoding', () => v41(INVALID_UTF8, { contentType: 'text/plain' }), 300007, 'json'],
      ['body encoding, then field count', () => v41(fields(101, ['comment=%ZZ'])), 300005, 'json'],
      ['field count, then repeated field', () => v41(fields(101, ['number_customergauge=12', 'number_customergauge=12'])), 300000, 'json'],
      ['repeated field, then missing CG-ID', () => v41('status=OPEN&status=CLOSED'), 300001, 'json', /status is given more than once/],
      // A CG-ID cannot be both missing and malformed: each is paired with the fault after both.
      ['missing CG-ID, then field types', () => json({ status: 5 }), 300004, 'json'],
      ['CG-ID form, then field types', () => json({ number_customergauge: 'x', status: 5 }), 300001, 'json', /number_customergauge/],
      ['field types, then comment', () => json({ number_customergauge: 12, status: 5, comment: 'a\u0000' }), 300001, 'json', /status must be a string/],
      ['comment character, then comment length', () => json({ number_customergauge: 12, comment: `${longComment}\u0001` }), 400203, 'json'],
      ['comment length, then happened_at form', () => json({ number_customergauge: 12, comment: longComment, happened_at: 'yesterday' }), 400202, 'json'],
      ['happened_at form, then Idempotency-Key', () => json({ number_customergauge: 12, happened_at: '2026-11-27' }, badKey), 400207, 'json', /happened_at/],
      // A malformed key is never in flight nor stored (300010, 300009 need a well-formed one); an
      // in-flight key reused with another request is workflow-idempotency.test.ts's.
      ['Idempotency-Key form, then If-Match form', () => json({ number_customergauge: 999 }, { ...badKey, ...badIfMatch }), 300001, 'json', /Idempotency-Key/],
      ['If-Match form, then Idempotency-Key reused', () => json({ number_customergauge: 999 }, { ...badIfMatch, 'idempotency-key': 'used' }), 300001, 'json', /If-Match/],
      ['Idempotency-Key reused, then record', () => json({ number_customergauge: 999 }, { 'idempotency-key': 'used' }), 300009, 'json'],
      // A replay answers as the first call did, though the case is past the version it gives.
      ['Idempotency-Key replay, then version', () => json({ number_customergauge: 12 }, { 'idempotency-key': 'used', 'if-match': '"7"' }), 200, 'json'],
      ['record, then version', () => json({ number_customergauge: 999, status: 'NOPE' }, { 'if-match': '"7"' }), 400200, 'json'],
      ['version, then status', () => json({ number_customergauge: 12, status: 'NOPE' }, { 'if-match': '"7"' }), 400206, 'json'],
      ['record, then status', () => json({ number_customergauge: 999, status: 'NOPE' }), 400200, 'json'],
      ['status, then assignee', () => json({ number_customergauge: 12, status: 'NOPE', assigned_to: 'nobody@acme.test' }), 400011, 'json'],
      // Against the clock and the case, at the write: after everything else.
      ['assignee, then happened_at ahead', () => json({ number_customergauge: 12, assigned_to: 'nobody@acme.test', happened_at: ahead() }), 400201, 'json'],
      // Not neighbours, but each once came out the other way round.
      ['path, then API key', () => v41('number_customergauge=12', { url: nowhere, key: undefined }), 300002, 'json'],
      ['path, then body size', () => v41(big, { url: nowhere, contentType: 'application/json' }), 300002, 'json'],
      ['method, then Content-Type', () => v41('number_customergauge=12', { method: 'PUT', contentType: 'text/plain' }), 300003, 'json'],
      ['method, then body size', () => v41(big, { url: url('xml'), method: 'PUT' }), 300003, 'xml'],
    ]
    const wrong = await walk(
      pairs.map(([what, call, code, format, message]) => [
        what,
        async () => {
          const answer = await call()
          if (code === 200) return void (await expectOk(answer, 12, format))
          const text = await expectCode(answer, code, format)
          if (message) assert.match(text, message)
          if (code === 300003) assert.equal(answer.headers.get('allow'), 'POST')
        },
      ]),
    )
    assert.deepEqual(wrong, [])
    // Only the call that stored the Idempotency-Key wrote anything.
    assert.equal((await showCase(server.ctx, 'acme', 12)).history.length, 1)
  })

  test(`[${kind.name}] /api/v1: of two faults the earlier in the documented order answers, and nothing is imported`, async (t) => {
    const { server, acme, slow } = await setup(kind, t)
    const big = new Uint8Array(RECORDS_LIMIT + 1).fill(0x31)
    const importing = (key: string | undefined, contentType: string, body: BodyInit, query = '') =>
      send(`${server.url}/api/v1/records${query}`, { key, contentType, body })
    const nope = `${server.url}/api/v1/nope`
    const cases = `${server.url}/api/v1/cases`
    const csv = 'number_customergauge,nps\n1,9\n'
    const badRowThenBadBytes = Buffer.concat([Buffer.from('number_customergauge,nps\n1,99\n'), INVALID_UTF8])

    const pairs: Array<[string, () => Promise<Response>, number]> = [
      ['Host, then path', () => withoutHost(server, '/api/v1/nope'), 300005],
      ['path, then method', () => send(nope, { method: 'DELETE' }), 300002],
      ['path, then API key', () => send(nope, { method: 'GET' }), 300002],
      ['path, then body size', () => send(nope, { key: acme.key, contentType: 'text/csv', body: big }), 300002],
      ['method, then API key', () => send(cases, { method: 'DELETE' }), 300003],
      ['method, then body size', () => send(cases, { key: acme.key, contentType: 'text/csv', body: big }), 300003],
      ['API key, then rate limit', async () => api(server, await revokedEmptyKey(server), '/records/12'), 200000],
      ['rate limit, then body size', () => whileLimited(server, slow.key, () => importing(slow.key, 'text/csv', big)), 300008],
      ['body size, then Content-Type', () => importing(acme.key, 'text/plain', big), 300006],
      ['body size (chunked), then Content-Type', () => importing(acme.key, 'text/plain', chunked(big)), 300006],
      ['Content-Type, then query parameter', () => importing(acme.key, 'text/plain', csv, '?x=1'), 300007],
      ['query parameter, then body encoding', () => importing(acme.key, 'text/csv', INVALID_UTF8, '?x=1'), 300001],
      ['body encoding, then records', () => importing(acme.key, 'text/csv', badRowThenBadBytes), 300005],
    ]
    const wrong = await walk(
      pairs.map(([what, call, code]) => [
        what,
        async () => {
          const answer = await call()
          await expectApiError(answer, code)
          if (code === 300003) assert.equal(answer.headers.get('allow'), 'GET')
        },
      ]),
    )
    assert.deepEqual(wrong, [])
    await expectApiError(await api(server, acme.key, '/records/1'), 400200)
  })

  test(`[${kind.name}] /healthz, /readyz, /metrics and /openapi.json answer another method with 405 300003 and Allow: GET`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    for (const path of ['/healthz', '/readyz', '/metrics', '/openapi.json']) {
      for (const method of ['POST', 'PUT', 'DELETE']) {
        const answer = await send(`${server.url}${path}`, { method, contentType: 'application/json', body: '{}' })
        assert.equal(answer.headers.get('allow'), 'GET', `${method} ${path}`)
        await expectCode(answer, 300003)
      }
    }
  })
}
