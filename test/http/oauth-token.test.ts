// POST /oauth2/token over real HTTP (SPEC §10, RFC 6749 §4.4, §5.2): every answer's status, `error`
// and no-store headers; the client's credentials are checked before the grant type.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { revokeOAuthApp } from '../../src/service/oauth-apps.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { exchange, rawHttp } from '../helpers/raw-http.js'
import { basicAuthorization, bearer, createTestApp, encodeEveryByte, postToken, type TestApp } from '../helpers/oauth.js'
import { assertNoLeak, createTestTenant, startTestServer } from '../helpers/server.js'

const FORM = 'application/x-www-form-urlencoded'
const formOf = (fields: Array<[string, string]>) => new URLSearchParams(fields).toString()

interface Row {
  name: string
  status: number
  error?: string
  body?: (app: TestApp, revoked: TestApp) => string | undefined
  headers?: (app: TestApp, revoked: TestApp) => Record<string, string>
}

const GRANT: [string, string] = ['grant_type', 'client_credentials']
const creds = (app: TestApp): Array<[string, string]> => [['client_id', app.clientId], ['client_secret', app.clientSecret]]

const ROWS: Row[] = [
  { name: 'the right secret in the body', status: 200, body: (app) => formOf([GRANT, ...creds(app)]) },
  { name: 'the right secret in HTTP Basic', status: 200, body: () => formOf([GRANT]), headers: (app) => ({ authorization: basicAuthorization(app.clientId, app.clientSecret) }) },
  {
    name: 'HTTP Basic with every byte of the id and secret form-encoded (RFC 6749 §2.3.1), decoded',
    status: 200,
    body: () => formOf([GRANT]),
    headers: (app) => ({ authorization: basicAuthorization(app.clientId, app.clientSecret, true) }),
  },
  {
    name: 'HTTP Basic, scheme in any case, client_id repeated in the body as the same id',
    status: 200,
    body: (app) => formOf([GRANT, ['client_id', app.clientId]]),
    headers: (app) => ({ authorization: basicAuthorization(app.clientId, app.clientSecret).replace('Basic', 'bAsIc') }),
  },
  { name: 'a Content-Type with a charset parameter', status: 200, body: (app) => formOf([GRANT, ...creds(app)]), headers: () => ({ 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' }) },
  { name: 'an unknown parameter is ignored', status: 200, body: (app) => formOf([GRANT, ...creds(app), ['audience', 'x']]) },
  { name: 'an empty parameter counts as absent (RFC 6749 §3.2)', status: 200, body: (app) => formOf([GRANT, ...creds(app), ['scope', '']]) },
  { name: 'a wrong secret', status: 401, error: 'invalid_client', body: (app) => formOf([GRANT, ['client_id', app.clientId], ['client_secret', `${app.clientSecret}x`]]) },
  { name: 'a wrong secret in HTTP Basic', status: 401, error: 'invalid_client', body: () => formOf([GRANT]), headers: (app) => ({ authorization: basicAuthorization(app.clientId, 'fhs_wrong') }) },
  { name: 'an unknown client', status: 401, error: 'invalid_client', body: (app) => formOf([GRANT, ['client_id', 'fhc_unknown'], ['client_secret', app.clientSecret]]) },
  { name: "a revoked app's right secret", status: 401, error: 'invalid_client', body: (_, revoked) => formOf([GRANT, ...creds(revoked)]) },
  { name: 'an Authorization scheme other than Basic', status: 401, error: 'invalid_client', body: () => formOf([GRANT]), headers: () => ({ authorization: 'Bearer fht_x' }) },
  { name: 'another grant type with good credentials', status: 400, error: 'unsupported_grant_type', body: (app) => formOf([['grant_type', 'password'], ...creds(app)]) },
  { name: 'bad credentials and another grant type: the credentials first', status: 401, error: 'invalid_client', body: (app) => formOf([['grant_type', 'password'], ['client_id', app.clientId], ['client_secret', 'fhs_wrong']]) },
  { name: 'bad credentials and no grant type: the credentials first', status: 401, error: 'invalid_client', body: (app) => formOf([['client_id', app.clientId], ['client_secret', 'fhs_wrong']]) },
  { name: 'no grant type with good credentials', status: 400, error: 'invalid_request', body: (app) => formOf(creds(app)) },
  { name: 'a scope (tokens have none)', status: 400, error: 'invalid_scope', body: (app) => formOf([GRANT, ...creds(app), ['scope', 'read']]) },
  { name: 'no client_secret', status: 400, error: 'invalid_request', body: (app) => formOf([GRANT, ['client_id', app.clientId]]) },
  { name: 'no client_id', status: 400, error: 'invalid_request', body: (app) => formOf([GRANT, ['client_secret', app.clientSecret]]) },
  { name: 'no body at all', status: 400, error: 'invalid_request', body: () => undefined },
  {
    name: 'the secret both in HTTP Basic and in the body',
    status: 400,
    error: 'invalid_request',
    body: (app) => formOf([GRANT, ['client_secret', app.clientSecret]]),
    headers: (app) => ({ authorization: basicAuthorization(app.clientId, app.clientSecret) }),
  },
  {
    name: 'another client_id in the body than in HTTP Basic',
    status: 400,
    error: 'invalid_request',
    body: () => formOf([GRANT, ['client_id', 'fhc_other']]),
    headers: (app) => ({ authorization: basicAuthorization(app.clientId, app.clientSecret) }),
  },
  { name: 'a repeated grant_type', status: 400, error: 'invalid_request', body: (app) => formOf([GRANT, GRANT, ...creds(app)]) },
  { name: 'a repeated client_secret', status: 400, error: 'invalid_request', body: (app) => formOf([GRANT, ...creds(app), ['client_secret', app.clientSecret]]) },
  { name: 'a JSON body', status: 400, error: 'invalid_request', body: (app) => JSON.stringify({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret }), headers: () => ({ 'content-type': 'application/json' }) },
  { name: 'malformed HTTP Basic (no colon)', status: 400, error: 'invalid_request', body: () => formOf([GRANT]), headers: () => ({ authorization: `Basic ${Buffer.from('no-colon').toString('base64')}` }) },
  { name: 'malformed HTTP Basic (not base64)', status: 400, error: 'invalid_request', body: () => formOf([GRANT]), headers: () => ({ authorization: 'Basic ***' }) },
  { name: 'HTTP Basic with bad percent-encoding', status: 400, error: 'invalid_request', body: () => formOf([GRANT]), headers: () => ({ authorization: `Basic ${Buffer.from('fhc_%zz:secret').toString('base64')}` }) },
  { name: 'bad percent-encoding in the body', status: 400, error: 'invalid_request', body: (app) => `${formOf([GRANT, ...creds(app)])}&x=%zz` },
  { name: 'a client_id longer than 100 characters', status: 400, error: 'invalid_request', body: (app) => formOf([GRANT, ['client_id', 'x'.repeat(101)], ['client_secret', app.clientSecret]]) },
  { name: 'a body larger than 4 KiB', status: 400, error: 'invalid_request', body: (app) => formOf([GRANT, ...creds(app), ['pad', 'x'.repeat(4200)]]) },
]

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] the token endpoint answers each request with its RFC 6749 status and error, never cached`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    const app = await createTestApp(server.ctx, 'acme')
    const revoked = await createTestApp(server.ctx, 'acme', 'Old desk')
    await revokeOAuthApp(server.ctx, 'acme', revoked.clientId)
    for (const row of ROWS) {
      const body = row.body?.(app, revoked)
      const headers = { ...(body === undefined ? {} : { 'content-type': FORM }), ...row.headers?.(app, revoked) }
      const response = await fetch(`${server.url}/oauth2/token`, { method: 'POST', headers, body })
      const text = await response.text()
      assert.equal(response.status, row.status, `${row.name}: ${text}`)
      assert.equal(response.headers.get('cache-control'), 'no-store', row.name)
      assert.equal(response.headers.get('pragma'), 'no-cache', row.name)
      assert.match(response.headers.get('content-type') ?? '', /^application\/json/, row.name)
      const answer = JSON.parse(text) as Record<string, unknown>
      assertNoLeak(text)
      assert.ok(!text.includes(app.clientSecret) && !text.includes(revoked.clientSecret), `${row.name}: the answer shows a secret`)
      if (row.status === 200) {
        assert.deepEqual(Object.keys(answer).sort(), ['access_token', 'expires_in', 'token_type'], row.name)
        assert.equal(answer.token_type, 'Bearer')
        assert.equal(answer.expires_in, 3600)
        assert.match(String(answer.access_token), /^fht_[A-Za-z0-9_-]{43}$/)
        const read = await fetch(`${server.url}/api/v1/cases/12`, { headers: bearer(String(answer.access_token)) })
        assert.equal(read.status, 200, `${row.name}: the token works`)
      } else {
        assert.equal(answer.error, row.error, `${row.name}: ${text}`)
        assert.equal(typeof answer.error_description, 'string')
        const challenge = response.headers.get('www-authenticate')
        assert.equal(challenge, row.status === 401 ? 'Basic realm="firehouse"' : null, `${row.name}: WWW-Authenticate`)
      }
    }
  })

  test(`[${kind.name}] a query string, a repeated Authorization header and GET are refused`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    await createTestTenant(server.ctx, { slug: 'acme' })
    const app = await createTestApp(server.ctx, 'acme')
    const body = formOf([GRANT, ...creds(app)])
    const inQuery = await fetch(`${server.url}/oauth2/token?${body}`, { method: 'POST' })
    assert.equal(inQuery.status, 400)
    assert.equal(((await inQuery.json()) as { error: string }).error, 'invalid_request')
    // On a raw socket: fetch would join the two into one value.
    const basic = ['Authorization', basicAuthorization(app.clientId, app.clientSecret)] as const
    const grant = formOf([GRANT])
    const sent = [['Host', '127.0.0.1'], basic, basic, ['Content-Type', FORM], ['Content-Length', String(grant.length)], ['Connection', 'close']] as const
    const [twice] = await exchange(server.url, rawHttp('POST /oauth2/token HTTP/1.1', sent, grant))
    assert.equal(twice?.status, 400)
    const refusal = (await twice!.json()) as { error: string; error_description: string }
    assert.equal(refusal.error, 'invalid_request')
    assert.match(refusal.error_description, /Authorization header is given more than once/)
    const get = await fetch(`${server.url}/oauth2/token`)
    assert.equal(get.status, 405)
    assert.equal(get.headers.get('allow'), 'POST')
  })

  test(`[${kind.name}] token requests are limited per client id (429 slow_down with Retry-After), the wrong secrets counted too`, async (t) => {
    const server = await startTestServer(kind, { env: { FIREHOUSE_RATE_LIMIT: '1' } })
    t.after(server.close)
    await createTestTenant(server.ctx, { slug: 'acme' })
    const app = await createTestApp(server.ctx, 'acme')
    const other = await createTestApp(server.ctx, 'acme', 'Other')
    const wrong = formOf([GRANT, ['client_id', app.clientId], ['client_secret', 'fhs_guess']])
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) statuses.push((await postToken(server.url, wrong)).status)
    assert.deepEqual(statuses, [401, 401, 429])
    const refused = await postToken(server.url, formOf([GRANT, ...creds(app)]))
    assert.equal(refused.status, 429, 'the right secret waits too')
    assert.ok(Number(refused.headers.get('retry-after')) >= 1)
    assert.equal(refused.headers.get('cache-control'), 'no-store')
    assert.equal(((await refused.json()) as { error: string }).error, 'slow_down')
    assert.equal((await postToken(server.url, formOf([GRANT, ...creds(other)]))).status, 200, "another app's bucket is its own")
  })

  test(`[${kind.name}] the percent-encoded form of the id in HTTP Basic is not the id: an id sent encoded twice is unknown`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    await createTestTenant(server.ctx, { slug: 'acme' })
    const app = await createTestApp(server.ctx, 'acme')
    const twice = `Basic ${Buffer.from(`${encodeEveryByte(encodeEveryByte(app.clientId))}:${app.clientSecret}`).toString('base64')}`
    const response = await postToken(server.url, formOf([GRANT]), { authorization: twice })
    assert.equal(response.status, 401)
  })

  test(`[${kind.name}] issuing a token deletes the tokens that expired (by the server's clock), and only those`, async (t) => {
    let now = Date.parse('2026-12-01T10:00:00.000Z')
    const server = await startTestServer(kind, { now: () => new Date(now) })
    t.after(server.close)
    await createTestTenant(server.ctx, { slug: 'acme' })
    const app = await createTestApp(server.ctx, 'acme')
    const issue = async () => assert.equal((await postToken(server.url, formOf([GRANT, ...creds(app)]))).status, 200)
    const stored = async () => (await server.ctx.store.db.selectFrom('oauth_tokens').select('expires_at').orderBy('expires_at').execute()).map((row) => row.expires_at)
    await issue()
    now += 1800_000
    await issue()
    assert.equal((await stored()).length, 2)
    now += 1800_000
    await issue()
    assert.deepEqual(await stored(), ['2026-12-01T11:30:00.000Z', '2026-12-01T12:00:00.000Z'], 'the first, expired at 11:00, is gone')
  })
}
