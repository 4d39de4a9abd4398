// Webhooks out over real HTTP (SPEC §8): real receivers on 127.0.0.1, signatures checked with the
// standardwebhooks package, the delivery log, retries, 410, timeouts, no echo, tenant isolation.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { WorkflowApiError, WorkflowClient } from '../../src/client/index.js'
import { createApiKey } from '../../src/service/api-keys.js'
import { api, expectApiError, expectJson, getCase } from '../helpers/api-v1.js'
import { createHook, deliveriesOf, sendJson, waitForLog, type Hook } from '../helpers/webhook-api.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, form, post, startTestServer, workflowUrl, type TestServer } from '../helpers/server.js'
import { startReceiver, verifySignature, type Answer, type Receiver } from '../helpers/webhook-receiver.js'

/** A short schedule (0.1 s between attempts: 4 attempts), a short deadline, receivers on this machine allowed. */
const WEBHOOK_ENV = {
  FIREHOUSE_WEBHOOK_ALLOW_NETS: '127.0.0.0/8',
  FIREHOUSE_WEBHOOK_RETRY_SCHEDULE: '0.1,0.1,0.1',
  FIREHOUSE_WEBHOOK_TIMEOUT_MS: '400',
}

async function update(server: TestServer, key: string, fields: Record<string, string | number>): Promise<Response> {
  return post(workflowUrl(server), form(fields), { key })
}

/** A receiver closed after the test. */
async function receiver(t: TestContext, answer?: (request: Parameters<Parameters<typeof startReceiver>[0] & object>[0], index: number) => Answer | Promise<Answer>): Promise<Receiver> {
  const started = await startReceiver(answer)
  t.after(() => started.close())
  return started
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] webhooks over HTTP`, async (t) => {
    const server = await startTestServer(kind, { env: WEBHOOK_ENV })
    t.after(() => server.close())
    let tenants = 0
    /** A tenant with two keys: `key` registers endpoints (and is excluded by default), `other` makes changes. */
    const tenant = async (records = [1, 2, 3]) => {
      const slug = `t${++tenants}`
      const made = await createTestTenant(server.ctx, { slug, records, users: ['des@example.com'] })
      const other = await createApiKey(server.ctx, slug, 'help desk')
      return { ...made, other: other.key, otherId: other.info.id }
    }

    await t.test('every v4.1 update is delivered exactly once, signed (verified by standardwebhooks), with the payload of §8', async (t) => {
      const acme = await tenant()
      const inbox = await receiver(t)
      const hook = await createHook(server, acme.key, { url: `${inbox.url}/hooks`, events: ['*'], description: 'help desk' })
      assert.match(hook.secret, /^whsec_[A-Za-z0-9+/]{43}=$/)
      assert.deepEqual(hook.exclude_actors, [`key:${acme.keyId}`], 'the creating key is excluded by default')
      const listed = await expectJson<{ data: Record<string, unknown>[] }>(await api(server, acme.key, '/webhooks'))
      assert.equal(listed.data.length, 1)
      assert.equal('secret' in listed.data[0]!, false, 'the secret is shown once')
      assert.equal('secret' in (await expectJson<Record<string, unknown>>(await api(server, acme.key, `/webhooks/${hook.id}`))), false)

      const changes: Record<string, string | number>[] = [
        { number_customergauge: 1, comment: 'Opened by the help desk' },
        { number_customergauge: 1, assigned_to: 'des@example.com' },
        { number_customergauge: 1, status: 'CLOSE', comment: 'Solved the issue' },
        { number_customergauge: 2, status: 'PROGRESS' },
      ]
      for (const change of changes) assert.equal((await update(server, acme.other, change)).status, 200)
      // Other cases are not held up by each other: the order across cases is not the history's.
      const caseAndSeq = (request: (typeof inbox.received)[number]) => [request.event.data.case?.number_customergauge as number, request.event.data.entry!.seq]
      const got = (await inbox.waitForSuccesses(4)).slice().sort((a, b) => caseAndSeq(a)[0]! - caseAndSeq(b)[0]! || caseAndSeq(a)[1]! - caseAndSeq(b)[1]!)
      await new Promise((resolve) => setTimeout(resolve, 300))
      assert.equal(inbox.received.length, 4, 'exactly one request per change')

      for (const request of got) verifySignature(hook.secret, request)
      assert.throws(() => verifySignature(`whsec_${Buffer.alloc(32, 7).toString('base64')}`, got[0]!), 'another secret does not verify')
      const events = got.map((request) => request.event)
      assert.deepEqual(events.map((event) => [event.type, event.data.case?.number_customergauge, event.data.entry?.seq]), [
        ['case.opened', 1, 1],
        ['case.updated', 1, 2],
        ['case.closed', 1, 3],
        ['case.opened', 2, 1],
      ])
      assert.equal(new Set(events.map((event) => event.id)).size, 4)
      for (const request of got) {
        assert.equal(request.headers['webhook-id'], request.event.id)
        assert.match(String(request.headers['webhook-timestamp']), /^\d{10}$/)
        assert.equal(request.headers['content-type'], 'application/json')
        assert.deepEqual(Object.keys(request.event), ['id', 'type', 'timestamp', 'data'])
        assert.deepEqual(Object.keys(request.event.data), ['case', 'entry', 'tenant'])
        assert.equal(request.event.data.tenant, acme.slug)
        assert.equal(request.event.timestamp, request.event.data.entry!.at)
        assert.equal(request.event.data.entry!.actor, `key:${acme.otherId}`)
      }
      // The case as it was right after each entry: the last event of case 1 is the case as read now.
      const { history, ...shown } = await getCase(server, acme.key, 1)
      assert.deepEqual(events[2]!.data.case, shown)
      assert.deepEqual(events[2]!.data.entry, history[2])
      assert.equal((events[1]!.data.case as { closed_at: unknown }).closed_at, null)

      const log = await waitForLog(server, acme.key, hook.id, (entries) => entries.length === 4 && entries.every((entry) => entry.status === 'succeeded'))
      const newestFirst = events.slice().sort((a, b) => b.timestamp.localeCompare(a.timestamp))
      assert.deepEqual(log.map((entry) => entry.event_id), newestFirst.map((event) => event.id), 'the log is newest first')
      for (const entry of log) assert.equal(entry.attempts.length, 1)
    })

    await t.test('no echo: changes by the creating key are not delivered, changes by another key are; exclude_actors replaces the default', async (t) => {
      const acme = await tenant()
      const inbox = await receiver(t)
      await createHook(server, acme.key, { url: inbox.url, events: ['*'] })
      const everything = await receiver(t)
      await createHook(server, acme.key, { url: everything.url, events: ['*'], exclude_actors: [] })
      assert.equal((await update(server, acme.key, { number_customergauge: 1, comment: 'echo' })).status, 200)
      assert.equal((await update(server, acme.other, { number_customergauge: 2, comment: 'not an echo' })).status, 200)
      await everything.waitForSuccesses(2)
      await inbox.waitForSuccesses(1)
      await new Promise((resolve) => setTimeout(resolve, 300))
      assert.deepEqual(inbox.received.map((request) => request.event.data.entry?.comment), ['not an echo'])
    })

    await t.test('500, 500, 200: three attempts, all logged; a redelivery sends the same event id; a rotated secret signs beside the old one', async (t) => {
      const acme = await tenant()
      const inbox = await receiver(t, (_request, index) => (index < 2 ? { status: 500, body: `failure ${index + 1}` } : { status: 200 }))
      const hook = await createHook(server, acme.key, { url: inbox.url, events: ['case.opened'] })
      assert.equal((await update(server, acme.other, { number_customergauge: 1 })).status, 200)
      const [delivery] = await waitForLog(server, acme.key, hook.id, (log) => log[0]?.status === 'succeeded')
      assert.deepEqual(delivery!.attempts.map((attempt) => [attempt.http_status, attempt.error, attempt.response]), [
        [500, null, 'failure 1'],
        [500, null, 'failure 2'],
        [200, null, ''],
      ])
      const times = delivery!.attempts.map((attempt) => Date.parse(attempt.at))
      assert.ok(times[1]! - times[0]! >= 70 && times[2]! - times[1]! >= 70, `retries follow the schedule (0.1 s ± 20 %): ${times.join(', ')}`)
      assert.equal(new Set(inbox.received.map((request) => request.event.id)).size, 1, 'one event id on every attempt')

      const rotated = await expectJson<{ secret: string }>(await sendJson(server, acme.key, 'POST', `/webhooks/${hook.id}/rotate-secret`))
      assert.notEqual(rotated.secret, hook.secret)
      const again = await sendJson(server, acme.key, 'POST', `/webhooks/${hook.id}/deliveries/${delivery!.id}/redeliver`)
      assert.equal(again.status, 202)
      const queued = (await again.json()) as { id: string; event_id: string }
      assert.equal(queued.event_id, delivery!.event_id)
      const [redelivered] = (await inbox.waitForSuccesses(2)).slice(1)
      assert.equal(redelivered!.event.id, delivery!.event_id)
      assert.equal(redelivered!.body, inbox.received[2]!.body, 'the same bytes')
      assert.equal(String(redelivered!.headers['webhook-signature']).split(' ').length, 2, 'two signatures during the overlap')
      verifySignature(rotated.secret, redelivered!)
      verifySignature(hook.secret, redelivered!)
      const log = await waitForLog(server, acme.key, hook.id, (entries) => entries.length === 2 && entries.every((entry) => entry.status === 'succeeded'))
      assert.equal(log[0]!.id, queued.id)
      assert.deepEqual(await deliveriesOf(server, acme.key, hook.id, '?status=pending'), [])
    })

    await t.test('410 Gone disables the endpoint: later changes are not queued for it, and redelivery answers 300001', async (t) => {
      const acme = await tenant()
      const inbox = await receiver(t, () => ({ status: 410 }))
      const hook = await createHook(server, acme.key, { url: inbox.url, events: ['*'] })
      assert.equal((await update(server, acme.other, { number_customergauge: 1 })).status, 200)
      const [gone] = await waitForLog(server, acme.key, hook.id, (log) => log[0]?.status === 'failed')
      assert.equal(gone!.attempts.length, 1, '410 is not retried')
      const read = await expectJson<Hook>(await api(server, acme.key, `/webhooks/${hook.id}`))
      assert.equal(read.enabled, false)
      assert.match(read.disabled_reason ?? '', /410/)
      assert.equal((await update(server, acme.other, { number_customergauge: 2 })).status, 200)
      await new Promise((resolve) => setTimeout(resolve, 300))
      assert.equal(inbox.received.length, 1)
      assert.equal((await deliveriesOf(server, acme.key, hook.id)).length, 1, 'nothing queued while disabled')
      await expectApiError(await sendJson(server, acme.key, 'POST', `/webhooks/${hook.id}/deliveries/${gone!.id}/redeliver`), 300001)
      await expectApiError(await sendJson(server, acme.key, 'POST', `/webhooks/${hook.id}/test`), 300001)
      // Enabled again, it is sent a ping and redeliveries.
      const enabled = await expectJson<Hook>(await sendJson(server, acme.key, 'PATCH', `/webhooks/${hook.id}`, { enabled: true }))
      assert.equal(enabled.enabled, true)
      assert.equal(enabled.disabled_reason, null)
    })

    await t.test('a receiver that never answers: the attempt fails at the deadline (no status, a timeout error) and is retried', async (t) => {
      const acme = await tenant()
      const inbox = await receiver(t, (_request, index) => (index === 0 ? 'hang' : { status: 204 }))
      const hook = await createHook(server, acme.key, { url: inbox.url, events: ['*'] })
      const ping = await sendJson(server, acme.key, 'POST', `/webhooks/${hook.id}/test`)
      assert.equal(ping.status, 202)
      const [delivery] = await waitForLog(server, acme.key, hook.id, (log) => log[0]?.status === 'succeeded')
      assert.equal(delivery!.type, 'ping')
      assert.equal(delivery!.number_customergauge, null)
      const [first, second] = delivery!.attempts
      assert.equal(first!.http_status, null)
      assert.match(first!.error ?? '', /timeout/)
      assert.ok(first!.duration_ms >= 390 && first!.duration_ms < 2_000, `the deadline (400 ms): ${first!.duration_ms}`)
      assert.equal(second!.http_status, 204)
      assert.deepEqual(Object.keys(inbox.received[1]!.event.data), ['tenant'])
      verifySignature(hook.secret, inbox.received[1]!)
    })

    await t.test('tenant isolation: another tenant cannot read, change, test, rotate, delete or redeliver an endpoint (404, 400301)', async (t) => {
      const owner = await tenant()
      const stranger = await tenant()
      const inbox = await receiver(t)
      const hook = await createHook(server, owner.key, { url: inbox.url, events: ['*'] })
      assert.equal((await sendJson(server, owner.key, 'POST', `/webhooks/${hook.id}/test`)).status, 202)
      const [delivery] = await waitForLog(server, owner.key, hook.id, (log) => log[0]?.status === 'succeeded')
      const attempts: [string, string, unknown?][] = [
        ['GET', `/webhooks/${hook.id}`],
        ['PATCH', `/webhooks/${hook.id}`, { enabled: false }],
        ['POST', `/webhooks/${hook.id}/test`],
        ['POST', `/webhooks/${hook.id}/rotate-secret`],
        ['GET', `/webhooks/${hook.id}/deliveries`],
        ['POST', `/webhooks/${hook.id}/deliveries/${delivery!.id}/redeliver`],
        ['DELETE', `/webhooks/${hook.id}`],
      ]
      for (const [method, path, body] of attempts) {
        const message = await expectApiError(await sendJson(server, stranger.key, method, path, body), 400301)
        assert.equal(message, 'Webhook not found', `${method} ${path}`)
      }
      assert.deepEqual((await expectJson<{ data: unknown[] }>(await api(server, stranger.key, '/webhooks'))).data, [])
      const unchanged = await expectJson<Hook>(await api(server, owner.key, `/webhooks/${hook.id}`))
      assert.equal(unchanged.enabled, true)
      assert.equal(inbox.received.length, 1, 'the stranger sent nothing')
      // The owner's own unknown delivery is 400301 too; deleting answers 204, then 400301.
      await expectApiError(await sendJson(server, owner.key, 'POST', `/webhooks/${hook.id}/deliveries/dlv_0_0/redeliver`), 400301)
      assert.equal((await sendJson(server, owner.key, 'DELETE', `/webhooks/${hook.id}`)).status, 204)
      await expectApiError(await api(server, owner.key, `/webhooks/${hook.id}`), 400301)
    })

    await t.test('bad bodies answer 300001: an unknown field, an unknown event type, a field of the wrong type, a URL that is no URL', async () => {
      const acme = await tenant()
      const url = 'http://127.0.0.1:9/hook'
      const bodies: unknown[] = [
        { url, events: ['*'], secret: 'mine' },
        { url, events: ['case.deleted'] },
        { url, events: 'case.opened' },
        { url, events: [] },
        { url: 'not a url', events: ['*'] },
        { url: 42, events: ['*'] },
        { events: ['*'] },
        [{ url, events: ['*'] }],
      ]
      for (const body of bodies) await expectApiError(await sendJson(server, acme.key, 'POST', '/webhooks', body), 300001)
      const hook = await createHook(server, acme.key, { url, events: ['*'] })
      await expectApiError(await sendJson(server, acme.key, 'PATCH', `/webhooks/${hook.id}`, { enabled: 'yes' }), 300001)
      await expectApiError(await api(server, acme.key, `/webhooks/${hook.id}/deliveries?status=lost`), 300001)
      await expectApiError(await api(server, acme.key, `/webhooks/${hook.id}/deliveries?cursor=forged`), 300001)
      await expectApiError(await api(server, acme.key, `/webhooks/${hook.id}/deliveries?per_page=0`), 300001)
      assert.equal((await expectJson<{ data: unknown[] }>(await api(server, acme.key, '/webhooks'))).data.length, 1)
    })

    await t.test('the typed client: cg.webhooks creates, reads, changes, pings, lists deliveries, redelivers, rotates and deletes; a missing one rejects with 400301', async (t) => {
      const acme = await tenant()
      const inbox = await receiver(t)
      const cg = new WorkflowClient({ apiKey: acme.key, baseUrl: server.url, retries: 0 })
      const hook = await cg.webhooks.create({ url: inbox.url, events: ['case.closed'], excludeActors: [] })
      assert.match(hook.secret, /^whsec_/)
      assert.deepEqual((await cg.webhooks.list()).map((listed) => listed.id), [hook.id])
      assert.deepEqual((await cg.webhooks.update(hook.id, { events: ['*'], description: 'desk' })).events, ['*'])
      assert.equal((await cg.webhooks.get(hook.id)).description, 'desk')
      const ping = await cg.webhooks.test(hook.id)
      await inbox.waitForSuccesses(1)
      const page = await cg.webhooks.deliveries(hook.id, { perPage: 1 })
      assert.equal(page.data[0]!.event_id, ping.event_id)
      const again = await cg.webhooks.redeliver(hook.id, page.data[0]!.id)
      assert.equal(again.event_id, ping.event_id)
      await inbox.waitForSuccesses(2)
      const { secret } = await cg.webhooks.rotateSecret(hook.id)
      assert.notEqual(secret, hook.secret)
      await cg.webhooks.delete(hook.id)
      const missing = await cg.webhooks.get(hook.id).catch((error: unknown) => error)
      assert.ok(missing instanceof WorkflowApiError)
      assert.deepEqual([missing.code, missing.status], [400301, 404])
    })

    await t.test('/metrics counts attempts and deliveries by outcome and shows the outbox backlog and its age', async () => {
      const text = await (await fetch(`${server.url}/metrics`)).text()
      assert.match(text, /firehouse_webhook_attempts_total\{result="success"\} [1-9]/)
      assert.match(text, /firehouse_webhook_attempts_total\{result="http_error"\} [1-9]/)
      assert.match(text, /firehouse_webhook_deliveries_total\{outcome="succeeded"\} [1-9]/)
      assert.match(text, /firehouse_webhook_deliveries_total\{outcome="failed"\} [1-9]/)
      assert.match(text, /firehouse_webhook_outbox_pending \d+/)
      assert.match(text, /firehouse_webhook_outbox_oldest_pending_age_seconds [\d.]+/)
    })
  })
}
