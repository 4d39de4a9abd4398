// The SSRF guard (SPEC §8): URLs refused at creation (400300), and at delivery on the address actually
// connected to, with a test resolver whose answer changes to 127.0.0.1 after the creation.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createApiKey } from '../../src/service/api-keys.js'
import { api, expectApiError, expectJson } from '../helpers/api-v1.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, form, post, startTestServer, workflowUrl } from '../helpers/server.js'
import { startReceiver } from '../helpers/webhook-receiver.js'
import { createHook, type Delivery } from '../helpers/webhook-api.js'

const PUBLIC_ADDRESS = '93.184.216.34'
/** Every name resolves to a public address, but for `rebinding.example.test` after its first look-up. */
function changingResolver() {
  let rebindingLookups = 0
  return async (hostname: string) => {
    if (hostname === 'nowhere.example.test') return []
    if (hostname === 'rebinding.example.test' && rebindingLookups++ > 0) return [{ address: '127.0.0.1', family: 4 }]
    if (hostname === 'localhost.example.test') return [{ address: PUBLIC_ADDRESS, family: 4 }, { address: '::1', family: 6 }]
    return [{ address: PUBLIC_ADDRESS, family: 4 }]
  }
}

// The checks run before anything is written and the same on both databases: the first one suffices.
const kind = TEST_DATABASES[0]!

test(`[${kind.name}] webhook URLs that are not allowed are refused at creation and on change: 400300, nothing created`, async (t) => {
  const server = await startTestServer(kind, { env: { FIREHOUSE_WEBHOOK_RETRY_SCHEDULE: '0.1' }, resolveHost: changingResolver() })
  t.after(() => server.close())
  const acme = await createTestTenant(server.ctx, { slug: 'acme' })
  const refused = [
    'http://127.0.0.1/hook',
    'http://10.0.0.1/hook',
    'http://172.16.0.1/hook',
    'http://192.168.1.10/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/hook',
    'http://[fc00::1]/hook',
    'http://[fe80::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://100.64.0.1/hook',
    'http://224.0.0.1/hook',
    'http://0.0.0.0/hook',
    'http://user:pw@example.com/hook',
    'https://token@example.com/hook',
    'ftp://example.com/hook',
    'file:///etc/passwd',
    `https://example.com/${'a'.repeat(2_049 - 'https://example.com/'.length)}`,
    'http://nowhere.example.test/hook',
    'http://localhost.example.test/hook',
  ]
  for (const url of refused) {
    const message = await expectApiError(await api(server, acme.key, '/webhooks', { method: 'POST', body: JSON.stringify({ url, events: ['*'] }), contentType: 'application/json' }), 400300)
    assert.match(message, /^Webhook URL not allowed: /, url)
  }
  assert.deepEqual((await expectJson<{ data: unknown[] }>(await api(server, acme.key, '/webhooks'))).data, [])
  const longest = `https://example.com/${'a'.repeat(2_048 - 'https://example.com/'.length)}`
  const hook = await createHook(server, acme.key, { url: longest, events: ['*'] })
  assert.equal(hook.url, longest, '2,048 characters are allowed')
  await expectApiError(await api(server, acme.key, `/webhooks/${hook.id}`, { method: 'PATCH', body: JSON.stringify({ url: 'http://10.1.1.1/' }), contentType: 'application/json' }), 400300)
  assert.equal((await expectJson<{ url: string }>(await api(server, acme.key, `/webhooks/${hook.id}`))).url, longest)
})

test(`[${kind.name}] a name that resolved to a public address at creation and resolves to 127.0.0.1 at delivery is refused there: a failed attempt with no status, nothing sent`, async (t) => {
  const server = await startTestServer(kind, { env: { FIREHOUSE_WEBHOOK_RETRY_SCHEDULE: '0.1' }, resolveHost: changingResolver() })
  t.after(() => server.close())
  const inbox = await startReceiver()
  t.after(() => inbox.close())
  const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [1] })
  const desk = await createApiKey(server.ctx, 'acme', 'help desk')
  const port = new URL(inbox.url).port
  const hook = await createHook(server, acme.key, { url: `http://rebinding.example.test:${port}/hook`, events: ['*'] })
  assert.equal((await post(workflowUrl(server), form({ number_customergauge: 1 }), { key: desk.key })).status, 200)
  const deadline = Date.now() + 10_000
  let log: Delivery[] = []
  while (log[0]?.status !== 'failed') {
    assert.ok(Date.now() < deadline, `the delivery never failed: ${JSON.stringify(log)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
    log = (await expectJson<{ data: Delivery[] }>(await api(server, acme.key, `/webhooks/${hook.id}/deliveries`))).data
  }
  assert.deepEqual(
    log[0]!.attempts.map((attempt) => [attempt.http_status, attempt.error]),
    [
      [null, 'Webhook URL not allowed: the host resolves to a loopback address'],
      [null, 'Webhook URL not allowed: the host resolves to a loopback address'],
    ],
  )
  assert.equal(inbox.received.length, 0, 'nothing reached the address the name was rebound to')
})

test(`[${kind.name}] an IP-literal URL that a looser server allowed is checked again at delivery (no name to look up): refused there, nothing sent`, async (t) => {
  const database = await kind.create()
  t.after(() => database.drop())
  const inbox = await startReceiver()
  t.after(() => inbox.close())
  // Created while 127.0.0.0/8 was allowed (a test setting), then served by a server without that setting.
  const loose = await startTestServer(kind, { database, env: { FIREHOUSE_WEBHOOK_ALLOW_NETS: '127.0.0.0/8' } })
  const acme = await createTestTenant(loose.ctx, { slug: 'acme', records: [1] })
  const desk = await createApiKey(loose.ctx, 'acme', 'help desk')
  const hook = await createHook(loose, acme.key, { url: `${inbox.url}/hook`, events: ['*'] })
  assert.match(hook.url, /^http:\/\/127\.0\.0\.1:\d+\/hook$/)
  await loose.close()
  const strict = await startTestServer(kind, { database, env: { FIREHOUSE_WEBHOOK_RETRY_SCHEDULE: '0.1' } })
  t.after(() => strict.close())
  assert.equal((await post(workflowUrl(strict), form({ number_customergauge: 1 }), { key: desk.key })).status, 200)
  const deadline = Date.now() + 10_000
  let log: Delivery[] = []
  while (log[0]?.status !== 'failed') {
    assert.ok(Date.now() < deadline, `the delivery never failed: ${JSON.stringify(log)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
    log = (await expectJson<{ data: Delivery[] }>(await api(strict, acme.key, `/webhooks/${hook.id}/deliveries`))).data
  }
  for (const attempt of log[0]!.attempts) {
    assert.equal(attempt.http_status, null)
    assert.match(attempt.error ?? '', /^Webhook URL not allowed: .*loopback/)
  }
  assert.equal(inbox.received.length, 0, 'nothing reached the loopback address')
})
