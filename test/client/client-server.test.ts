// The typed client against the real server, on every database and in both formats: every method, typed errors.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { WorkflowApiError, WorkflowClient, type CaseJson, type WireFormat } from '../../src/client/index.js'
import { revokeApiKey } from '../../src/service/api-keys.js'
import { showCase } from '../../src/service/case-view.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { WIRE_FORMATS, createTestTenant, startTestServer, type TestServer } from '../helpers/server.js'

const DES = 'des.patch@directness.net'
// Every character the XML answer must escape, a non-BMP one, and a form-encoding trap ('+').
const TRICKY = `a & b <c> "d" 'e' 1+1 café 😀`

interface Tenant {
  client: WorkflowClient
  key: string
  keyId: string
  slug: string
}

let tenants = 0
async function tenantOn(server: TestServer, format: WireFormat, records: number[] = [12]): Promise<Tenant> {
  const slug = `t${++tenants}`
  const { key, keyId } = await createTestTenant(server.ctx, { slug, records, users: [DES] })
  return { client: new WorkflowClient({ apiKey: key, baseUrl: server.url, format, retries: 0 }), key, keyId, slug }
}

/** Awaits a rejection and returns it as a WorkflowApiError. */
async function failure(promise: Promise<unknown>): Promise<WorkflowApiError> {
  const error = await promise.then(
    () => assert.fail('expected a WorkflowApiError'),
    (reason: unknown) => reason,
  )
  assert.ok(error instanceof WorkflowApiError, `not a WorkflowApiError: ${String(error)}`)
  return error
}

async function expectNoCase(server: TestServer, slug: string, cgid = 12): Promise<void> {
  const view = await showCase(server.ctx, slug, cgid)
  assert.deepEqual([view.status, view.history], [null, []])
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] the client against a real server`, async (t: TestContext) => {
    const server = await startTestServer(kind)
    t.after(server.close)

    for (const format of WIRE_FORMATS) {
      await t.test(`${format}: updateWorkflow sends the v4.1 form, returns the CG-ID, and the case reads back`, async () => {
        const { client, keyId } = await tenantOn(server, format)
        const result = await client.updateWorkflow({ numberCustomergauge: 12, status: 'CLOSE', comment: TRICKY, assignedTo: DES })
        assert.deepEqual(result, { numberCustomergauge: 12 })
        const item = await client.getCase(12)
        assert.equal(item.status, 'CLOSED')
        assert.equal(item.assigned_to, DES)
        assert.equal(item.history.length, 1)
        assert.deepEqual(
          { ...item.history[0], at: undefined, happened_at: undefined, status_label_from: undefined, status_label_to: undefined },
          { seq: 1, at: undefined, happened_at: undefined, actor: `key:${keyId}`, status_from: null, status_to: 'CLOSED', assigned_from: null, assigned_to: DES,
            comment: TRICKY, status_label_from: undefined, status_label_to: undefined },
        )
        assert.equal(item.history[0]!.happened_at, item.history[0]!.at, 'not back-dated: it happened when recorded')
        // A CG-ID given as a string of digits is sent as is.
        assert.deepEqual(await client.updateWorkflow({ numberCustomergauge: '12', status: 'open' }), { numberCustomergauge: 12 })
        assert.equal((await client.getCase(12)).status, 'OPEN')
      })

      await t.test(`${format}: a repeated idempotencyKey replays the first answer and writes once`, async () => {
        const { client } = await tenantOn(server, format)
        const call = { numberCustomergauge: 12, comment: 'once', idempotencyKey: `replay-${format}` }
        assert.deepEqual(await client.updateWorkflow(call), { numberCustomergauge: 12 })
        assert.deepEqual(await client.updateWorkflow(call), { numberCustomergauge: 12 })
        assert.equal((await client.getCase(12)).history.length, 1)
        const reused = await failure(client.updateWorkflow({ ...call, comment: 'other' }))
        assert.deepEqual([reused.code, reused.status, reused.retryable], [300009, 422, false])
      })

      await t.test(`${format}: happenedAt, a Date or a string, back-dates the change; one too far ahead rejects with 400207`, async () => {
        const { client } = await tenantOn(server, format, [12, 13])
        const opened = new Date(Math.floor(Date.now() / 1000) * 1000 - 3 * 3600_000)
        await client.updateWorkflow({ numberCustomergauge: 12, happenedAt: opened })
        const closed = new Date(opened.getTime() + 3600_000).toISOString().slice(0, 19).replace('T', ' ')
        await client.updateWorkflow({ numberCustomergauge: 12, status: 'CLOSE', happenedAt: closed })
        const item = await client.getCase(12)
        assert.deepEqual([item.opened_at, item.time_to_close_s], [opened.toISOString(), 3600])
        assert.deepEqual(item.history.map((entry) => entry.happened_at), [opened.toISOString(), `${closed.replace(' ', 'T')}.000Z`])
        const ahead = await failure(client.updateWorkflow({ numberCustomergauge: 13, happenedAt: new Date(Date.now() + 120_000) }))
        assert.deepEqual([ahead.code, ahead.status, ahead.retryable], [400207, 400, false])
        await assert.rejects(client.updateWorkflow({ numberCustomergauge: 13, happenedAt: new Date(Number.NaN) }), TypeError)
        assert.equal((await client.getCase(13)).status, null)
      })

      await t.test(`${format}: server errors reject with their code, message and status, and write nothing`, async () => {
        const { client, slug, key, keyId } = await tenantOn(server, format)
        const cases: [string, () => Promise<unknown>, number, number, RegExp][] = [
          ['unknown record', () => client.updateWorkflow({ numberCustomergauge: 99 }), 400200, 400, /Workflow not found/],
          ['CG-ID 0', () => client.updateWorkflow({ numberCustomergauge: 0 }), 300001, 400, /number_customergauge/],
          ['CG-ID 1.5', () => client.updateWorkflow({ numberCustomergauge: 1.5 }), 300001, 400, /number_customergauge/],
          ['unknown status, echoed with XML specials', () => client.updateWorkflow({ numberCustomergauge: 12, status: 'DONE<&>"' }), 400011, 400, /DONE<&>"/],
          ['unknown assignee', () => client.updateWorkflow({ numberCustomergauge: 12, assignedTo: 'nobody@x.test' }), 400201, 400, /./],
          ['comment too long', () => client.updateWorkflow({ numberCustomergauge: 12, comment: 'x'.repeat(10_001) }), 400202, 400, /./],
          ['bad key', () => new WorkflowClient({ apiKey: 'fh_nope', baseUrl: server.url, format }).updateWorkflow({ numberCustomergauge: 12 }), 200000, 401, /Invalid API key/],
        ]
        for (const [name, call, code, status, message] of cases) {
          const error = await failure(call())
          assert.deepEqual([error.kind, error.code, error.status, error.attempts, error.retryable], ['api', code, status, 1, false], name)
          assert.match(error.message, message, name)
        }
        await revokeApiKey(server.ctx, slug, keyId)
        const revoked = await failure(new WorkflowClient({ apiKey: key, baseUrl: server.url, format }).updateWorkflow({ numberCustomergauge: 12 }))
        assert.deepEqual([revoked.code, revoked.status, revoked.message], [200000, 401, 'Revoked API key'])
        await expectNoCase(server, slug)
      })
    }

    await t.test('getCase: a record without a case has status null; an unknown CG-ID is 400200 with HTTP 404', async () => {
      const { client } = await tenantOn(server, 'json', [12])
      const item = await client.getCase(12)
      assert.deepEqual([item.number_customergauge, item.status, item.history], [12, null, []])
      const missing = await failure(client.getCase(404))
      assert.deepEqual([missing.kind, missing.code, missing.status], ['api', 400200, 404])
      const badKey = await failure(new WorkflowClient({ apiKey: 'fh_nope', baseUrl: server.url }).getCase(12))
      assert.deepEqual([badKey.code, badKey.status], [200000, 401])
    })

    await t.test('cases() follows next_cursor to the end; resumeFrom(cursor) sees only later changes', async () => {
      const records = [1, 2, 3, 4, 5, 6, 7]
      const { client } = await tenantOn(server, 'json', records)
      for (const cgid of records) await client.updateWorkflow({ numberCustomergauge: cgid, status: 'PROGRESS' })

      const feed = client.cases({ perPage: 3 })
      assert.equal(feed.cursor, undefined)
      const seen: number[] = []
      for await (const item of feed) seen.push(item.number_customergauge)
      assert.deepEqual(seen, records)
      const stored = feed.cursor
      assert.equal(typeof stored, 'string')

      await client.updateWorkflow({ numberCustomergauge: 5, status: 'CLOSE' })
      await client.updateWorkflow({ numberCustomergauge: 2, assignedTo: DES })
      const resumed = client.resumeFrom(stored!, { perPage: 3 })
      const later: CaseJson[] = []
      for await (const item of resumed) later.push(item)
      assert.deepEqual(later.map((item) => [item.number_customergauge, item.status]), [[5, 'CLOSED'], [2, 'PROGRESS']])
      assert.notEqual(resumed.cursor, stored)

      // Caught up: iterating again from the new cursor yields nothing.
      const again: CaseJson[] = []
      for await (const item of client.resumeFrom(resumed.cursor!)) again.push(item)
      assert.deepEqual(again, [])
    })

    await t.test('casePages() yields pages with nextCursor and endOfStream on the last; filters apply', async () => {
      const { client } = await tenantOn(server, 'json', [1, 2, 3, 4, 5])
      for (const cgid of [1, 2, 3, 4]) await client.updateWorkflow({ numberCustomergauge: cgid, status: cgid % 2 === 0 ? 'CLOSE' : 'OPEN' })
      const pages = []
      for await (const page of client.casePages({ perPage: 1, status: 'CLOSED', updatedSince: new Date(Date.now() - 60_000) })) pages.push(page)
      assert.deepEqual(pages.map((page) => page.data.map((item) => item.number_customergauge)).flat(), [2, 4])
      assert.deepEqual(pages.map((page) => page.endOfStream).at(-1), true)
      assert.ok(pages.every((page) => typeof page.nextCursor === 'string' && page.nextCursor !== ''))
      const badPage = await failure(client.casePage({ perPage: 0 }))
      assert.deepEqual([badPage.code, badPage.status], [300001, 400])
      const badCursor = await failure(client.casePage({ cursor: 'not-ours' }))
      assert.deepEqual([badCursor.code, badCursor.status], [300001, 400])
    })
  })
}
