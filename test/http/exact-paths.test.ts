// A path is served only exactly as a route names it: percent-encoding a fixed part (`workflow%2exml`)
// names no module, answers 300002 and changes nothing, however the router decodes it (issue 13, item 10).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { expectApiError } from '../helpers/api-v1.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { exchange, rawFormPost, rawHttp } from '../helpers/raw-http.js'
import { createTestTenant, expectCode, expectOk, form, startTestServer } from '../helpers/server.js'

/** Each decodes to one of the three v4.1 paths; none is one as sent. */
const NEAR_MISSES = [
  '/v4.1/workflow%2exml',
  '/v4.1/workflow%2Exml',
  '/v4.1/workflow%2ejson',
  '/v4.1/workflow.%78ml',
  '/v4.1/%77orkflow.json',
  '/v4.1/workflo%77',
  '/v4%2e1/workflow.json',
  '/%764.1/workflow.xml',
]

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] a v4.1 path percent-encoded into one of the three answers 404 300002 and changes nothing; the three as sent are served`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    const update = form({ number_customergauge: 12, status: 'CLOSED' })
    for (const path of NEAR_MISSES) {
      // Sent as-is on a socket: no client in between normalises the path.
      const [answer, ...more] = await exchange(server.url, rawFormPost(path, acme.key, update).replace('\r\n', '\r\nConnection: close\r\n'))
      assert.ok(answer, path)
      assert.equal(await expectCode(answer, 300002, path.endsWith('.xml') ? 'xml' : 'json'), 'Module does not exist', path)
      assert.deepEqual(more, [], path)
      // Any other method on it is unknown too, not a 405 of the path it decodes to.
      const [other] = await exchange(server.url, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
      assert.ok(other, path)
      await expectCode(other, 300002, path.endsWith('.xml') ? 'xml' : 'json')
    }
    const untouched = await showCase(server.ctx, 'acme', 12)
    assert.deepEqual([untouched.status, untouched.history], [null, []])

    // The three paths themselves, in their formats.
    for (const [path, format] of [['/v4.1/workflow', 'json'], ['/v4.1/workflow.json', 'json'], ['/v4.1/workflow.xml', 'xml']] as const) {
      const [answer] = await exchange(server.url, rawFormPost(path, acme.key, update).replace('\r\n', '\r\nConnection: close\r\n'))
      assert.ok(answer, path)
      await expectOk(answer, 12, format)
    }
    assert.equal((await showCase(server.ctx, 'acme', 12)).history.length, 3)
  })

  test(`[${kind.name}] an /api/v1 path with a percent-encoded fixed part answers 404 300002 and imports nothing; an encoded CG-ID is a value and is read`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    const auth: [string, string] = ['Authorization', `api_key ${acme.key}`]
    const csv = 'number_customergauge,nps\n7,9\n'
    const requests = [
      rawHttp('GET /api/v1/c%61ses/12 HTTP/1.1', [['Host', 'x'], auth, ['Connection', 'close']]),
      rawHttp('POST /api/v1/rec%6frds HTTP/1.1', [['Host', 'x'], auth, ['Content-Type', 'text/csv'], ['Content-Length', String(csv.length)], ['Connection', 'close']], csv),
    ]
    for (const request of requests) {
      const [answer] = await exchange(server.url, request)
      assert.ok(answer)
      await expectApiError(answer, 300002)
    }
    const [record] = await exchange(server.url, rawHttp('GET /api/v1/records/%31%32 HTTP/1.1', [['Host', 'x'], auth, ['Connection', 'close']]))
    assert.equal(record?.status, 200)
    const [missing] = await exchange(server.url, rawHttp('GET /api/v1/records/7 HTTP/1.1', [['Host', 'x'], auth, ['Connection', 'close']]))
    assert.ok(missing)
    await expectApiError(missing, 400200)
  })
}
