// Bearer tokens wherever an API key works (SPEC §10), over real HTTP on both databases: expiry by
// the server's clock, revocation at once, the actor `app:<client_id>`, tenant isolation, never
// admin, and one rate-limit bucket per app.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { revokeOAuthApp } from '../../src/service/oauth-apps.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { exchange, rawHttp } from '../helpers/raw-http.js'
import { bearer, createTestApp, issueTestToken } from '../helpers/oauth.js'
import { createTestTenant, form, startTestServer, workflowUrl, type TestServer } from '../helpers/server.js'

const FORM = 'application/x-www-form-urlencoded'

function v41(server: TestServer, authorization: Record<string, string>, fields: Record<string, string | number>, format: 'json' | 'xml' = 'json'): Promise<Response> {
  return fetch(workflowUrl(server, format), { method: 'POST', headers: { ...authorization, 'content-type': FORM }, body: form(fields) })
}

function apiGet(server: TestServer, authorization: Record<string, string>, path: string): Promise<Response> {
  return fetch(`${server.url}/api/v1${path}`, { headers: authorization })
}

/** The error code and message of a JSON or XML answer. */
async function codeOf(response: Response): Promise<{ code: number; message: string }> {
  const text = await response.text()
  const xml = /<Message>(.*)<\/Message><Code>(\d+)<\/Code>/.exec(text)
  if (xml) return { code: Number(xml[2]), message: xml[1]! }
  const { Error: error } = JSON.parse(text) as { Error: { Code: number; Message: string } }
  return { code: error.Code, message: error.Message }
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] a token works on v4.1 and /api/v1 until 3600 s by the server's clock, then answers 200000 there`, async (t) => {
    let now = new Date('2026-12-01T10:00:00.000Z')
    const server = await startTestServer(kind, { now: () => now })
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    const token = await issueTestToken(server.url, await createTestApp(server.ctx, 'acme'))
    now = new Date(now.getTime() + 3599_000)
    assert.equal((await v41(server, bearer(token), { number_customergauge: 12, status: 'PROGRESS' })).status, 200)
    assert.equal((await apiGet(server, bearer(token), '/cases/12')).status, 200)
    now = new Date(now.getTime() + 1000)
    for (const response of [await v41(server, bearer(token), { number_customergauge: 12, status: 'CLOSE' }), await v41(server, bearer(token), { number_customergauge: 12 }, 'xml'), await apiGet(server, bearer(token), '/cases/12')]) {
      assert.equal(response.status, 401)
      const { code, message } = await codeOf(response)
      assert.equal(code, 200000)
      assert.match(message, /Expired access token/)
      assert.ok(!message.includes(token.slice(4)), 'the token is not echoed')
    }
    const shown = (await (await apiGet(server, { authorization: `api_key ${acme.key}` }, '/cases/12')).json()) as { status: string; version: number }
    assert.deepEqual([shown.status, shown.version], ['PROGRESS', 1], 'the refused change wrote nothing')
  })

  test(`[${kind.name}] a revoked app's live token answers 200000 on the next call; an unknown or malformed bearer token is 200000, a repeated header 300001`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    const app = await createTestApp(server.ctx, 'acme')
    const token = await issueTestToken(server.url, app)
    const lower = { authorization: `bearer ${token}` }
    assert.equal((await v41(server, lower, { number_customergauge: 12 })).status, 200, 'the scheme is case-insensitive')
    await revokeOAuthApp(server.ctx, 'acme', app.clientId)
    for (const response of [await v41(server, bearer(token), { number_customergauge: 12 }), await apiGet(server, bearer(token), '/cases/12')]) {
      assert.equal(response.status, 401)
      const { code, message } = await codeOf(response)
      assert.equal(code, 200000)
      assert.match(message, /Invalid access token/)
    }
    const cases: Array<[Record<string, string>, RegExp]> = [
      [bearer('fht_unknown'), /Invalid access token/],
      [{ authorization: 'Bearer' }, /Missing access token/],
      [{ authorization: 'Bearer   ' }, /Missing API key|Missing access token/],
      [{ authorization: `Bearer a b` }, /Invalid access token/],
      [{ authorization: `Bearer ${'x'.repeat(300)}` }, /Invalid access token/],
      [{ authorization: `Token ${token}` }, /Malformed Authorization header/],
    ]
    for (const [headers, message] of cases) {
      const response = await apiGet(server, headers, '/cases/12')
      assert.equal(response.status, 401, headers.authorization)
      const answer = await codeOf(response)
      assert.equal(answer.code, 200000)
      assert.match(answer.message, message)
    }
    // On a raw socket: fetch would join the two into one value.
    const header = ['Authorization', `Bearer ${(await issueTestToken(server.url, await createTestApp(server.ctx, 'acme', 'Second'))).slice(0)}`] as const
    const [twice] = await exchange(server.url, rawHttp('GET /api/v1/cases/12 HTTP/1.1', [['Host', '127.0.0.1'], header, header, ['Connection', 'close']]))
    assert.ok(twice)
    const answer = await codeOf(twice)
    assert.equal(answer.code, 300001)
    assert.match(answer.message, /Authorization header is given more than once/)
  })

  test(`[${kind.name}] a change made with a token is recorded as app:<client_id>, one made with a key as key:<id>`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    const app = await createTestApp(server.ctx, 'acme')
    const token = await issueTestToken(server.url, app)
    assert.equal((await v41(server, bearer(token), { number_customergauge: 12, status: 'PROGRESS', comment: 'by the app' })).status, 200)
    assert.equal((await v41(server, { authorization: `api_key ${acme.key}` }, { number_customergauge: 12, comment: 'by the key' })).status, 200)
    const shown = (await (await apiGet(server, bearer(token), '/cases/12')).json()) as { history: Array<{ actor: string; comment: string }> }
    assert.deepEqual(
      shown.history.map(({ actor, comment }) => [actor, comment]),
      [[`app:${app.clientId}`, 'by the app'], [`key:${acme.keyId}`, 'by the key']],
    )
  })

  test(`[${kind.name}] a token reads and writes its own tenant only (400200 on v4.1, 404 on /api/v1, lists and feeds its own), and is never admin (403, 200001)`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    const beta = await createTestTenant(server.ctx, { slug: 'beta', records: [12, 77] })
    const betaKey = { authorization: `api_key ${beta.key}` }
    assert.equal((await v41(server, betaKey, { number_customergauge: 77, comment: 'beta only' })).status, 200)
    assert.equal((await v41(server, betaKey, { number_customergauge: 12, comment: 'beta twelve' })).status, 200)
    const token = bearer(await issueTestToken(server.url, await createTestApp(server.ctx, 'acme')))

    for (const format of ['json', 'xml'] as const) {
      const response = await v41(server, token, { number_customergauge: 77, status: 'CLOSE' }, format)
      assert.equal(response.status, 400)
      assert.equal((await codeOf(response)).code, 400200)
    }
    for (const path of ['/cases/77', '/records/77']) {
      const response = await apiGet(server, token, path)
      assert.equal(response.status, 404, path)
      assert.equal((await codeOf(response)).code, 400200)
    }
    const twelve = (await (await apiGet(server, token, '/cases/12')).json()) as { version: number; history: unknown[] }
    assert.equal(twelve.version, 0, "acme's 12 has no case: beta's is not shown")
    const feed = (await (await apiGet(server, token, '/cases?updated_since=2000-01-01')).json()) as { data: Array<{ number_customergauge: number }> }
    assert.deepEqual(feed.data, [], "beta's cases are not in acme's feed")
    const summary = (await (await apiGet(server, token, '/metrics/summary')).json()) as Record<string, unknown>
    assert.equal(JSON.stringify(summary).includes('"cases_opened":2'), false)
    const hooks = (await (await apiGet(server, token, '/webhooks')).json()) as { data: unknown[] }
    assert.deepEqual(hooks.data, [])

    const put = await fetch(`${server.url}/api/v1/settings/workflow`, { method: 'PUT', headers: { ...token, 'content-type': 'application/json' }, body: '{"progressive": true}' })
    assert.equal(put.status, 403)
    assert.equal((await codeOf(put)).code, 200001)
    const rules = (await (await apiGet(server, token, '/settings/workflow')).json()) as { progressive: boolean }
    assert.equal(rules.progressive, false, 'nothing changed')
    const betaCase = (await (await apiGet(server, betaKey, '/cases/77')).json()) as { status: string; version: number }
    assert.deepEqual([betaCase.status, betaCase.version], ['OPEN', 1], "beta's case is untouched")
  })

  test(`[${kind.name}] an app's tokens share one rate-limit bucket, apart from the tenant's keys`, async (t) => {
    // 1 request a second, burst 2.
    const server = await startTestServer(kind, { env: { FIREHOUSE_RATE_LIMIT: '1' } })
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    const app = await createTestApp(server.ctx, 'acme')
    const first = bearer(await issueTestToken(server.url, app))
    const second = bearer(await issueTestToken(server.url, app))
    const statuses = [await apiGet(server, first, '/cases/12'), await apiGet(server, second, '/cases/12'), await apiGet(server, first, '/cases/12'), await apiGet(server, second, '/cases/12')].map((r) => r.status)
    assert.deepEqual(statuses, [200, 200, 429, 429])
    const refused = await apiGet(server, second, '/cases/12')
    assert.equal((await codeOf(refused)).code, 300008)
    assert.equal(refused.headers.get('ratelimit-limit'), '2')
    assert.equal((await apiGet(server, { authorization: `api_key ${acme.key}` }, '/cases/12')).status, 200, "the key's bucket is its own")
    const other = bearer(await issueTestToken(server.url, await createTestApp(server.ctx, 'acme', 'Other')))
    assert.equal((await apiGet(server, other, '/cases/12')).status, 200, "another app's bucket is its own")
  })

  test(`[${kind.name}] a token is valid only in its tenant's region: another region's server refuses it (200000) and its app (invalid_client)`, async (t) => {
    const eu = await startTestServer(kind)
    t.after(eu.close)
    const us = await startTestServer(kind, { database: eu.database, env: { FIREHOUSE_REGION: 'us' } })
    t.after(us.close)
    await createTestTenant(eu.ctx, { slug: 'yank', region: 'us', records: [12] })
    const app = await createTestApp(eu.ctx, 'yank')
    const token = await issueTestToken(us.url, app)
    assert.equal((await apiGet(us, bearer(token), '/cases/12')).status, 200, 'at home')
    const abroad = await apiGet(eu, bearer(token), '/cases/12')
    assert.equal(abroad.status, 401)
    const { code, message } = await codeOf(abroad)
    assert.equal(code, 200000)
    assert.match(message, /not valid in this region/)
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret }).toString()
    const refused = await fetch(`${eu.url}/oauth2/token`, { method: 'POST', headers: { 'content-type': FORM }, body })
    assert.equal(refused.status, 401)
    assert.equal(((await refused.json()) as { error: string }).error, 'invalid_client')
  })
}
