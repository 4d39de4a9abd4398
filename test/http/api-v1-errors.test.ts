// The native API's errors over real HTTP: 405 with Allow, 404 300002, the JSON envelope without
// leaks, and per-key rate limiting with one bucket shared with the v4.1 surface.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { api, expectApiError, expectJson, importFile } from '../helpers/api-v1.js'
import { createTestTenant, expectCode, expectOk, form, post, startTestServer, workflowUrl, type TestServer } from '../helpers/server.js'

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']

/** Every /api/v1 path and the one method it serves. */
const PATHS: Array<[string, string]> = [
  ['/cases', 'GET'],
  ['/cases/12', 'GET'],
  ['/records/12', 'GET'],
  ['/records', 'POST'],
  ['/metrics/summary', 'GET'],
]

async function setup(kind: TestDatabaseKind, t: TestContext, env: Record<string, string> = {}) {
  const server = await startTestServer(kind, { env })
  t.after(server.close)
  const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12], detractors: [12] })
  return { server, acme }
}

const RATE = 2
const BURST = RATE * 2

/** Reads /api/v1/cases/12 and the v4.1 endpoint in turn until the key is refused; returns how many were served. */
async function exhaust(server: TestServer, key: string, surfaces: ReadonlyArray<'api' | 'v41'>): Promise<{ served: number; refused: Response }> {
  for (let i = 0; i < 4 * BURST; i++) {
    const surface = surfaces[i % surfaces.length]!
    const answer =
      surface === 'api' ? await api(server, key, '/cases/12') : await post(workflowUrl(server), form({ number_customergauge: 12 }), { key })
    if (answer.status === 429) return { served: i, refused: answer }
    if (surface === 'api') await expectJson(answer)
    else await expectOk(answer, 12)
  }
  return assert.fail(`no 429 after ${4 * BURST} calls`)
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] every /api/v1 path answers any other method with 405 300003 and an Allow header`, async (t) => {
    const { server, acme } = await setup(kind, t)
    for (const [path, allowed] of PATHS) {
      for (const method of METHODS.filter((name) => name !== allowed)) {
        const answer = await api(server, acme.key, path, { method })
        assert.equal(answer.headers.get('allow'), allowed, `${method} ${path}`)
        // A HEAD answer has no body to check.
        if (method === 'HEAD') assert.equal(answer.status, 405)
        else assert.equal(await expectApiError(answer, 300003), 'Method does not exist')
      }
    }
  })

  test(`[${kind.name}] an unknown path under /api/v1 answers 404 300002 "Module does not exist"`, async (t) => {
    const { server, acme } = await setup(kind, t)
    for (const path of ['', '/', '/nothing', '/case/12', '/cases/12/history', '/records/12/x', '/metrics', '/metrics/summary/x', '/CASES']) {
      assert.equal(await expectApiError(await api(server, acme.key, path), 300002), 'Module does not exist', path)
    }
  })

  test(`[${kind.name}] every error answer is the JSON envelope {"Error":{"Message","Code"}} with no stack, SQL or path`, async (t) => {
    const { server, acme } = await setup(kind, t)
    const csv = 'text/csv'
    // [what, code, the request]: one of each code the native API gives.
    const cases: Array<[string, number, () => Promise<Response>]> = [
      ['no key', 200000, () => api(server, undefined, '/cases')],
      ['bad CG-ID', 300001, () => api(server, acme.key, '/cases/x')],
      ['bad cursor', 300001, () => api(server, acme.key, '/cases?cursor=%00%27;drop%20table%20cases')],
      ['bad row', 300001, () => importFile(server, acme.key, 'number_customergauge,nps\n1,99\n', csv)],
      ['unbalanced CSV quote', 300001, () => importFile(server, acme.key, 'number_customergauge,comment\n1,"open\n', csv)],
      ['unknown path', 300002, () => api(server, acme.key, '/nothing')],
      ['wrong method', 300003, () => api(server, acme.key, '/cases', { method: 'DELETE' })],
      ['bad JSON', 300005, () => importFile(server, acme.key, '[{"number_customergauge": 1,]', 'application/json')],
      ['not an array', 300005, () => importFile(server, acme.key, '{"number_customergauge": 1}', 'application/json')],
      ['bad media type', 300007, () => importFile(server, acme.key, 'x', 'application/xml')],
      ['missing record', 400200, () => api(server, acme.key, '/records/99')],
    ]
    for (const [what, code, send] of cases) {
      const answer = await send()
      assert.match(answer.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, what)
      const message = await expectApiError(answer, code)
      assert.ok(message.length < 300, `${what}: ${message}`)
    }
  })

  test(`[${kind.name}] /api/v1 answers carry RateLimit-* headers; past the burst 429 300008 with Retry-After`, async (t) => {
    const { server, acme } = await setup(kind, t, { FIREHOUSE_RATE_LIMIT: String(RATE) })
    const first = await api(server, acme.key, '/cases/12')
    assert.deepEqual([first.headers.get('ratelimit-limit'), first.headers.get('ratelimit-remaining')], [String(BURST), String(BURST - 1)])
    assert.match(first.headers.get('ratelimit-reset') ?? '', /^\d+$/)
    await expectJson(first)
    // An error answer is counted and labelled too.
    const missing = await api(server, acme.key, '/cases/99')
    assert.equal(missing.headers.get('ratelimit-remaining'), String(BURST - 2))
    await expectApiError(missing, 400200)
    const { served, refused } = await exhaust(server, acme.key, ['api'])
    assert.ok(served >= BURST - 2 && served <= BURST - 1, `served ${served}`)
    assert.match(refused.headers.get('retry-after') ?? '', /^[1-9]\d*$/)
    assert.equal(refused.headers.get('ratelimit-remaining'), '0')
    assert.match(await expectApiError(refused, 300008), /rate limit/i)
  })

  test(`[${kind.name}] the v4.1 and /api/v1 surfaces share one bucket per key`, async (t) => {
    const { server, acme } = await setup(kind, t, { FIREHOUSE_RATE_LIMIT: String(RATE) })
    // Spent on v4.1, refused on /api/v1 …
    await (await exhaust(server, acme.key, ['v41'])).refused.text()
    await expectApiError(await api(server, acme.key, '/cases/12'), 300008)
    // … and, with a fresh key, spent on both in turn: one budget, not one each.
    const other = await createTestTenant(server.ctx, { slug: 'other', records: [12] })
    const { served, refused } = await exhaust(server, other.key, ['api', 'v41'])
    assert.ok(served >= BURST && served <= BURST + 1, `served ${served}`)
    await expectApiError(refused, 300008)
    await expectCode(await post(workflowUrl(server), form({ number_customergauge: 12 }), { key: other.key }), 300008)
  })
}
