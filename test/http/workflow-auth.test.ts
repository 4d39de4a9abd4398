// Authentication of the v4.1 call (200000) over real HTTP: every way a key is refused, in both formats.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { revokeApiKey } from '../../src/service/api-keys.js'
import { showCase } from '../../src/service/case-view.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import {
  WIRE_FORMATS,
  createTestTenant,
  expectError,
  expectOk,
  form,
  post,
  serverPerFile,
  uniqueSlug,
  workflowUrl,
  type TestServer,
} from '../helpers/server.js'

const INVALID_API_KEY = 200000

const serverFor = serverPerFile()

/** A server with tenant acme (record 12) and the history of that record's case, to prove nothing changed. */
async function setup(kind: TestDatabaseKind) {
  const server = await serverFor(kind)
  const slug = uniqueSlug()
  const acme = await createTestTenant(server.ctx, { slug, records: [12] })
  return { server, acme }
}

async function assertNoCase(server: TestServer, slug: string, cgid: number): Promise<void> {
  const view = await showCase(server.ctx, slug, cgid)
  assert.equal(view.status, null)
  assert.deepEqual(view.history, [])
}

const body = form({ number_customergauge: 12, status: 'CLOSED' })

for (const kind of TEST_DATABASES) {
  for (const format of WIRE_FORMATS) {
    test(`[${kind.name}] ${format}: a missing Authorization header answers 200000 and writes nothing`, async () => {
      const { server, acme } = await setup(kind)
      const message = await expectError(
        await post(workflowUrl(server, format), body),
        401,
        INVALID_API_KEY,
        format,
      )
      assert.match(message, /missing/i)
      await assertNoCase(server, acme.slug, 12)
    })

    test(`[${kind.name}] ${format}: malformed or empty Authorization headers answer 200000`, async () => {
      const { server, acme } = await setup(kind)
      const headers = [
        'Bearer x',
        `Bearer ${acme.key}`,
        'api_key',
        'api_key    ',
        'api_key\t',
        '   ',
        `Basic ${acme.key}`,
        `api_key${acme.key}`,
        `api_key ${acme.key} extra`,
      ]
      for (const authorization of headers) {
        const response = await post(workflowUrl(server, format), body, {
          headers: { authorization },
        })
        await expectError(response, 401, INVALID_API_KEY, format)
      }
      await assertNoCase(server, acme.slug, 12)
    })

    test(`[${kind.name}] ${format}: an unknown key answers 200000 "Invalid API key" and writes nothing`, async () => {
      const { server, acme } = await setup(kind)
      const unknown = `fh_${'A'.repeat(43)}`
      const message = await expectError(
        await post(workflowUrl(server, format), body, { key: unknown }),
        401,
        INVALID_API_KEY,
        format,
      )
      assert.match(message, /invalid/i)
      // A near miss of a real key is just as unknown.
      const nearMiss = acme.key.slice(0, -1) + (acme.key.endsWith('A') ? 'B' : 'A')
      await expectError(
        await post(workflowUrl(server, format), body, { key: nearMiss }),
        401,
        INVALID_API_KEY,
        format,
      )
      await assertNoCase(server, acme.slug, 12)
    })

    test(`[${kind.name}] ${format}: a revoked key answers 200000 on the very next request`, async () => {
      const { server, acme } = await setup(kind)
      await expectOk(
        await post(workflowUrl(server, format), form({ number_customergauge: 12 }), {
          key: acme.key,
        }),
        12,
        format,
      )
      await revokeApiKey(server.ctx, acme.slug, acme.keyId)
      const message = await expectError(
        await post(workflowUrl(server, format), body, { key: acme.key }),
        401,
        INVALID_API_KEY,
        format,
      )
      assert.match(message, /revoked/i)
      const view = await showCase(server.ctx, acme.slug, 12)
      assert.equal(view.status, 'OPEN')
      assert.equal(view.history.length, 1)
    })

    test(`[${kind.name}] ${format}: a key of a tenant of another region answers 200000 and writes nothing`, async () => {
      const { server } = await setup(kind)
      assert.equal(server.config.region, 'eu')
      const yank = await createTestTenant(server.ctx, { slug: uniqueSlug('yank'), region: 'us', records: [12] })
      const message = await expectError(
        await post(workflowUrl(server, format), body, { key: yank.key }),
        401,
        INVALID_API_KEY,
        format,
      )
      assert.match(message, /region/i)
      await assertNoCase(server, yank.slug, 12)
    })

    test(`[${kind.name}] ${format}: a key in the query string (?api_key=) is not accepted: 200000`, async () => {
      const { server, acme } = await setup(kind)
      const url = `${workflowUrl(server, format)}?api_key=${encodeURIComponent(acme.key)}`
      await expectError(await post(url, body), 401, INVALID_API_KEY, format)
      await expectError(
        await post(url, form({ number_customergauge: 12, api_key: acme.key })),
        401,
        INVALID_API_KEY,
        format,
      )
      await assertNoCase(server, acme.slug, 12)
    })
  }

  test(`[${kind.name}] the api_key scheme name is case-insensitive and the bare /v4.1/workflow path answers JSON`, async () => {
    const { server, acme } = await setup(kind)
    for (const scheme of ['api_key', 'API_KEY', 'Api_Key']) {
      const headers = { authorization: `${scheme} ${acme.key}` }
      const response = await post(
        `${server.url}/v4.1/workflow`,
        form({ number_customergauge: 12 }),
        { headers },
      )
      await expectOk(response, 12, 'json')
    }
    const view = await showCase(server.ctx, acme.slug, 12)
    assert.deepEqual(
      view.history.map((entry) => entry.actor),
      Array(3).fill(`key:${acme.keyId}`),
    )
  })

  test(`[${kind.name}] auth is checked before the body: a bad body without a key answers 200000`, async () => {
    const { server, acme } = await setup(kind)
    await expectError(await post(workflowUrl(server), 'comment=%ZZ'), 401, INVALID_API_KEY, 'json')
    await expectError(
      await post(workflowUrl(server, 'xml'), 'x', { contentType: 'text/plain' }),
      401,
      INVALID_API_KEY,
      'xml',
    )
    await assertNoCase(server, acme.slug, 12)
  })
}
