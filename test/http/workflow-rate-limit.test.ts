// Per-key rate limiting over real HTTP (FIREHOUSE_RATE_LIMIT=2: burst 4): RateLimit-* headers, 429 300008.

import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { test, type TestContext } from 'node:test'
import { createApiKey } from '../../src/service/api-keys.js'
import { showCase } from '../../src/service/case-view.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import {
  WIRE_FORMATS,
  createTestTenant,
  expectError,
  expectOk,
  form,
  post,
  startTestServer,
  workflowUrl,
} from '../helpers/server.js'

const RATE = 2
const BURST = RATE * 2

async function setup(kind: TestDatabaseKind, t: TestContext) {
  const server = await startTestServer(kind, { env: { FIREHOUSE_RATE_LIMIT: String(RATE) } })
  t.after(server.close)
  const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
  return { server, acme }
}

/** Sends until the key is refused (at most `max` calls); returns the 200 answers' RateLimit-Remaining and the 429. */
async function exhaust(
  url: string,
  key: string,
  max = 12,
): Promise<{ remaining: number[]; refused: Response }> {
  const remaining: number[] = []
  for (let i = 0; i < max; i++) {
    const answer = await post(url, form({ number_customergauge: 12, comment: `call ${i}` }), {
      key,
    })
    if (answer.status === 429) return { remaining, refused: answer }
    assert.equal(answer.headers.get('ratelimit-limit'), String(BURST))
    remaining.push(Number(answer.headers.get('ratelimit-remaining')))
    await expectOk(answer, 12, url.endsWith('.xml') ? 'xml' : 'json')
  }
  return assert.fail(`no 429 after ${max} calls: ${remaining.join(', ')}`)
}

for (const kind of TEST_DATABASES) {
  for (const format of WIRE_FORMATS) {
    test(`[${kind.name}] ${format}: RateLimit-Remaining counts down, then 429 300008 with an integer Retry-After ≥ 1 that writes nothing`, async (t) => {
      const { server, acme } = await setup(kind, t)
      const { remaining, refused } = await exhaust(workflowUrl(server, format), acme.key)
      assert.equal(remaining[0], BURST - 1)
      assert.ok(remaining.length >= BURST, remaining.join(', '))
      for (let i = 1; i < remaining.length; i++)
        assert.ok(remaining[i]! <= remaining[i - 1]!, remaining.join(', '))
      assert.equal(remaining.at(-1), 0)
      const retryAfter = refused.headers.get('retry-after') ?? ''
      assert.match(retryAfter, /^\d+$/)
      assert.ok(Number(retryAfter) >= 1)
      assert.equal(refused.headers.get('ratelimit-remaining'), '0')
      const message = await expectError(refused, 429, 300008, format)
      assert.match(message, /rate limit/i)
      // Only the answered calls wrote: the refused one (a status change) did not.
      const view = await showCase(server.ctx, 'acme', 12)
      assert.equal(view.history.length, remaining.length)
      const refusedAgain = await post(
        workflowUrl(server, format),
        form({ number_customergauge: 12, status: 'CLOSED' }),
        { key: acme.key },
      )
      await expectError(refusedAgain, 429, 300008, format)
      assert.deepEqual(await showCase(server.ctx, 'acme', 12), view)
    })
  }

  test(`[${kind.name}] another key, of the same tenant or another, is unaffected by an exhausted key`, async (t) => {
    const { server, acme } = await setup(kind, t)
    const second = await createApiKey(server.ctx, 'acme', 'second')
    const other = await createTestTenant(server.ctx, { slug: 'other', records: [12] })
    await exhaust(workflowUrl(server), acme.key)
    for (const key of [second.key, other.key]) {
      const answer = await post(workflowUrl(server), form({ number_customergauge: 12 }), { key })
      assert.equal(answer.headers.get('ratelimit-remaining'), String(BURST - 1))
      await expectOk(answer, 12)
    }
  })

  test(`[${kind.name}] after Retry-After seconds the key is served again`, async (t) => {
    const { server, acme } = await setup(kind, t)
    const { refused } = await exhaust(workflowUrl(server), acme.key)
    await refused.text()
    await sleep(Number(refused.headers.get('retry-after')) * 1000)
    await expectOk(
      await post(workflowUrl(server), form({ number_customergauge: 12 }), { key: acme.key }),
      12,
    )
  })

  test(`[${kind.name}] the limit applies before the body is read; an unknown key answers 200000, not 300008`, async (t) => {
    const { server, acme } = await setup(kind, t)
    await exhaust(workflowUrl(server), acme.key)
    await expectError(
      await post(workflowUrl(server), 'comment=%ZZ', { key: acme.key }),
      429,
      300008,
      'json',
    )
    // An unknown key is refused by authentication, not counted against anyone.
    await expectError(
      await post(workflowUrl(server), form({ number_customergauge: 12 }), {
        key: `fh_${'x'.repeat(43)}`,
      }),
      401,
      200000,
      'json',
    )
  })
}
