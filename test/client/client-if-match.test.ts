// The client's ifMatch against the real server: the version it reads, the If-Match it sends, and a
// 409 400206 that is never retried (counted by the server's own request metrics and by the history).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { WorkflowApiError, WorkflowClient, type WireFormat } from '../../src/client/index.js'
import { showCase } from '../../src/service/case-view.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { WIRE_FORMATS, createTestTenant, startTestServer, type TestServer } from '../helpers/server.js'

/** How many answers with `status` the server gave on POST /v4.1/workflow.<format>, from its /metrics. */
async function answered(server: TestServer, format: WireFormat, status: number): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text()
  const line = text
    .split('\n')
    .find((row) => row.startsWith('firehouse_http_requests_total{') && row.includes(`route="/v4.1/workflow.${format}"`) && row.includes(`status="${status}"`))
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1))
}

async function failure(promise: Promise<unknown>): Promise<WorkflowApiError> {
  const error = await promise.then(
    () => assert.fail('expected a WorkflowApiError'),
    (reason: unknown) => reason,
  )
  assert.ok(error instanceof WorkflowApiError, `not a WorkflowApiError: ${String(error)}`)
  return error
}

for (const kind of TEST_DATABASES) {
  for (const format of WIRE_FORMATS) {
    test(`[${kind.name}] ${format}: getCase shows the version, ifMatch sends If-Match, and 400206 is rejected without a retry`, async (t) => {
      const server = await startTestServer(kind)
      t.after(server.close)
      const { key } = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
      // Retries on, with no wait: a retried 409 would show as a second request at once.
      const client = new WorkflowClient({ apiKey: key, baseUrl: server.url, format, retries: 3, retryBaseMs: 1, retryMaxMs: 1 })

      assert.equal((await client.getCase(12)).version, 0)
      assert.deepEqual(await client.updateWorkflow({ numberCustomergauge: 12, status: 'PROGRESS', ifMatch: 0 }), { numberCustomergauge: 12 })
      const read = await client.getCase(12)
      assert.deepEqual([read.version, read.history.length], [1, 1])
      assert.deepEqual((await client.casePage()).data.map((item) => item.version), [1])

      // Based on version 0, which the case has left: refused once, not retried, nothing written.
      const stale = await failure(client.updateWorkflow({ numberCustomergauge: 12, status: 'CLOSED', ifMatch: 0 }))
      assert.deepEqual([stale.kind, stale.code, stale.status, stale.attempts, stale.retryable], ['api', 400206, 409, 1, false])
      assert.equal(stale.message, 'Case changed since it was read')
      assert.equal(await answered(server, format, 409), 1)
      assert.equal((await showCase(server.ctx, 'acme', 12)).history.length, 1)

      // Based on the version just read: written.
      await client.updateWorkflow({ numberCustomergauge: 12, status: 'CLOSED', ifMatch: read.version })
      assert.equal((await client.getCase(12)).version, 2)
      assert.equal(await answered(server, format, 200), 2)
    })
  }

  test(`[${kind.name}] ifMatch that is not a non-negative integer is a TypeError, and nothing is sent`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const { key } = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    const client = new WorkflowClient({ apiKey: key, baseUrl: server.url })
    for (const ifMatch of [-1, 1.5, Number.NaN, 2 ** 53, '1', '"1"']) {
      await assert.rejects(client.updateWorkflow({ numberCustomergauge: 12, ifMatch: ifMatch as number }), /ifMatch must be a non-negative integer/, String(ifMatch))
    }
    assert.equal(await answered(server, 'json', 200) + (await answered(server, 'json', 400)), 0)
    assert.deepEqual((await showCase(server.ctx, 'acme', 12)).history, [])
  })
}
