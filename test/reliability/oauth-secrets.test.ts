// Client secrets and access tokens (SPEC §10) are stored only as hashes, logged by no request, and
// echoed by no answer: a `firehouse serve` at log level debug, its whole output searched.

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { revokeOAuthApp } from '../../src/service/oauth-apps.js'
import { isPostgresUrl } from '../../src/store/dialect.js'
import { send } from '../helpers/crash.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { basicAuthorization, createTestApp } from '../helpers/oauth.js'
import { spawnServer } from '../helpers/process.js'
import { createTestTenant } from '../helpers/server.js'

const run = promisify(execFile)
const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex')
const FORM = { 'content-type': 'application/x-www-form-urlencoded' }

/** Every file of the SQLite database's folder, or a pg_dump of the database. */
async function storedText(url: string): Promise<string> {
  if (isPostgresUrl(url)) return (await run('pg_dump', ['--no-owner', url], { maxBuffer: 256 * 1024 * 1024 })).stdout
  const dir = dirname(url)
  return readdirSync(dir).map((name) => readFileSync(join(dir, name)).toString('latin1')).join('\n')
}

/** The secrets (by their random part, so one stored without its prefix counts too) found in `text`. */
const found = (text: string, secrets: readonly string[]) => secrets.filter((secret) => text.includes(secret.slice(4)))

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] no client secret or access token in the debug log, in any answer, or in the database but as its SHA-256`, { timeout: 120_000 }, async (t) => {
    const { ctx, database } = await openTestContext(t, kind)
    await createTestTenant(ctx, { slug: 'acme', records: [12] })
    const app = await createTestApp(ctx, 'acme')
    const revoked = await createTestApp(ctx, 'acme', 'Old')
    const server = await spawnServer(database.url, { env: { FIREHOUSE_LOG_LEVEL: 'debug' } })
    t.after(() => server.stop('SIGKILL'))
    const token = (path: string, body: string, headers: Record<string, string> = {}) => send(`${server.url}${path}`, { headers: { ...FORM, ...headers }, body })
    const good = new URLSearchParams({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret }).toString()
    const oldGood = new URLSearchParams({ grant_type: 'client_credentials', client_id: revoked.clientId, client_secret: revoked.clientSecret }).toString()

    const tokens: string[] = []
    for (const answer of [await token('/oauth2/token', good), await token('/oauth2/token', 'grant_type=client_credentials', { authorization: basicAuthorization(app.clientId, app.clientSecret) }), await token('/oauth2/token', oldGood)]) {
      assert.equal(answer.status, 200, answer.body.toString())
      tokens.push((JSON.parse(answer.body.toString()) as { access_token: string }).access_token)
    }
    await revokeOAuthApp(ctx, 'acme', revoked.clientId)
    const secrets = [app.clientSecret, revoked.clientSecret]
    const refusals = [
      await token('/oauth2/token', oldGood),
      await token('/oauth2/token', good.replace('client_credentials', 'password')),
      await token(`/oauth2/token?${good}`, ''),
      await token('/oauth2/token', `${good}&client_secret=${app.clientSecret}`),
      await token('/oauth2/token', `${good}&pad=${'x'.repeat(5000)}`),
      await send(`${server.url}/oauth2/token`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ client_secret: app.clientSecret }) }),
      await token('/oauth2/token', 'grant_type=client_credentials', { authorization: basicAuthorization(app.clientId, `${app.clientSecret}x`) }),
      await token('/oauth2/token', 'grant_type=client_credentials', { authorization: `Bearer ${tokens[0]}` }),
    ]
    assert.deepEqual(refusals.map((answer) => answer.status), [401, 400, 400, 400, 400, 400, 401, 401])
    const calls = [
      await send(`${server.url}/api/v1/cases/12`, { method: 'GET', headers: { authorization: `Bearer ${tokens[0]}` } }),
      await send(`${server.url}/v4.1/workflow.xml`, { headers: { ...FORM, authorization: `Bearer ${tokens[1]}` }, body: 'number_customergauge=12' }),
      await send(`${server.url}/api/v1/cases/12`, { method: 'GET', headers: { authorization: `Bearer ${tokens[2]}` } }),
      await send(`${server.url}/api/v1/cases/12`, { method: 'GET', headers: { authorization: `Bearer ${tokens[0]}x` } }),
      await send(`${server.url}/api/v1/cases/12?access_token=${tokens[0]}`, { method: 'GET' }),
    ]
    assert.deepEqual(calls.map((answer) => answer.status), [200, 200, 401, 401, 401])
    for (const answer of [...refusals, ...calls]) {
      const text = `${answer.body.toString()} ${JSON.stringify(answer.headers)}`
      assert.deepEqual(found(text, [...secrets, ...tokens]), [], `an answer shows a secret or token: ${text.slice(0, 300)}`)
    }

    assert.equal(await server.stop('SIGTERM'), 0, 'the server did not stop cleanly, its log may be cut short')
    const log = server.output()
    const logged = (log.match(/"msg":"request completed"/g) ?? []).length
    assert.ok(logged >= refusals.length + calls.length, `only ${logged} requests logged: the search proves nothing`)
    assert.deepEqual(found(log, [...secrets, ...tokens]), [], 'a secret or token in the log')
    assert.doesNotMatch(log, /Basic [A-Za-z0-9+/=]{20,}|Bearer fht_/, 'an Authorization value in the log')

    const stored = await storedText(database.url)
    assert.ok(stored.includes(sha256(app.clientSecret)) && stored.includes(sha256(tokens[0]!)), 'the hashes are not found: the search proves nothing')
    assert.deepEqual(found(stored, [...secrets, ...tokens]), [], 'a raw secret or token in the database')
  })
}
