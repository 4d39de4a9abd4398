// Paths and methods of the v4.1 surface over real HTTP: 300002 (unknown path) and 300003 (method),
// in the format of the path's extension, checked before the API key.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import {
  WIRE_FORMATS,
  createTestTenant,
  expectCode,
  form,
  post,
  startTestServer,
  workflowUrl,
} from '../helpers/server.js'

async function setup(kind: TestDatabaseKind, t: TestContext) {
  const server = await startTestServer(kind)
  t.after(server.close)
  const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
  const assertNoCase = async () => {
    const view = await showCase(server.ctx, 'acme', 12)
    assert.deepEqual([view.status, view.history], [null, []])
  }
  return { server, acme, assertNoCase }
}

const unknownPaths = (format: string): string[] => [
  `/v4.1/workflows.${format}`,
  `/v4.1/survey.${format}`,
  `/v4.1/.${format}`,
  `/v4/workflow.${format}`,
  `/nothing.${format}`,
  `/v4.1/workflow.json/x.${format}`,
  // Malformed percent-encoding in the path names no module either.
  `/v4.1/%ZZ.${format}`,
  `/v4.1/workflow%.${format}`,
  `/%E0%A4%A.${format}`,
]

for (const kind of TEST_DATABASES) {
  for (const format of WIRE_FORMATS) {
    test(`[${kind.name}] ${format}: an unknown path answers 404 300002 "Module does not exist" in the path's format`, async (t) => {
      const { server, acme, assertNoCase } = await setup(kind, t)
      const body = form({ number_customergauge: 12, status: 'CLOSED' })
      for (const path of unknownPaths(format)) {
        const answer = await post(`${server.url}${path}`, body, { key: acme.key })
        assert.match(answer.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, path)
        assert.equal(await expectCode(answer, 300002, format), 'Module does not exist', path)
      }
      // Without a key too: an unknown path is unknown to everyone.
      await expectCode(await post(`${server.url}/v4.1/nothing.${format}?a=b`, body), 300002, format)
      await assertNoCase()
    })

    test(`[${kind.name}] ${format}: GET, PUT, DELETE, PATCH, OPTIONS and HEAD answer 405 300003 with Allow: POST`, async (t) => {
      const { server, acme, assertNoCase } = await setup(kind, t)
      const bare = format === 'json' ? [`${server.url}/v4.1/workflow`] : []
      const headers = {
        authorization: `api_key ${acme.key}`,
        'content-type': 'application/x-www-form-urlencoded',
      }
      for (const url of [workflowUrl(server, format), ...bare]) {
        for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
          const body = ['PUT', 'PATCH'].includes(method) ? 'number_customergauge=12' : undefined
          const answer = await fetch(`${url}?number_customergauge=12`, { method, headers, body })
          assert.equal(answer.headers.get('allow'), 'POST', `${method} ${url}`)
          assert.equal(await expectCode(answer, 300003, format), 'Method does not exist')
        }
      }
      // The method is checked before the key; HEAD answers the same, without a body.
      await expectCode(await fetch(workflowUrl(server, format)), 300003, format)
      const head = await fetch(workflowUrl(server, format), { method: 'HEAD', headers })
      const seen = [head.status, head.headers.get('allow'), await head.text()]
      assert.deepEqual(seen, [405, 'POST', ''])
      await assertNoCase()
    })
  }
}
