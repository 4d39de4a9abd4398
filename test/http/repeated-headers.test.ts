// Headers the server reads, sent twice on a raw socket: refused at their place in the order of
// checks instead of one of them being used silently (issue 13, item 14; docs/errors.md).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { expectApiError } from '../helpers/api-v1.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { exchange, rawHttp } from '../helpers/raw-http.js'
import { createTestTenant, expectCode, form, startTestServer, WIRE_FORMATS } from '../helpers/server.js'

type Header = readonly [string, string]

const FORM: Header = ['Content-Type', 'application/x-www-form-urlencoded']

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] two Authorization, Idempotency-Key, If-Match, Content-Type or Host headers are refused on v4.1 and nothing is written`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    const other = await createTestTenant(server.ctx, { slug: 'other', records: [12] })
    const key: Header = ['Authorization', `api_key ${acme.key}`]
    const body = form({ number_customergauge: 12, status: 'CLOSED' })
    const call = async (path: string, headers: readonly Header[]) => {
      const sent = [['Host', '127.0.0.1'], ...headers, ['Content-Length', String(body.length)], ['Connection', 'close']] as const
      const [answer, ...more] = await exchange(server.url, rawHttp(`POST ${path} HTTP/1.1`, sent, body))
      assert.ok(answer, `no answer: ${JSON.stringify(headers)}`)
      assert.deepEqual(more, [])
      return answer
    }
    for (const format of WIRE_FORMATS) {
      const path = `/v4.1/workflow.${format}`
      // [the headers, the code, the message it must name]
      const cases: Array<[readonly Header[], number, RegExp]> = [
        // Whichever comes first, and even the same key twice.
        [[key, ['Authorization', 'api_key fh_bogus'], FORM], 300001, /Authorization header is given more than once/],
        [[['Authorization', 'api_key fh_bogus'], key, FORM], 300001, /Authorization header is given more than once/],
        [[key, key, FORM], 300001, /Authorization header is given more than once/],
        [[key, ['Authorization', `api_key ${other.key}`], FORM], 300001, /Authorization header is given more than once/],
        // Node would join them into "a, b"; one value with a space, refused for the wrong reason.
        [[key, FORM, ['Idempotency-Key', 'a'], ['Idempotency-Key', 'a']], 300001, /Idempotency-Key header is given more than once/],
        // Node would join them into the list `"0", "0"`: refused as a repeat, whatever the values.
        [[key, FORM, ['If-Match', '"0"'], ['If-Match', '"0"']], 300001, /If-Match header is given more than once/],
        [[key, FORM, ['If-Match', '"0"'], ['If-Match', '"5"']], 300001, /If-Match header is given more than once/],
        [[key, FORM, ['If-Match', '"0"'], ['If-Match', '']], 300001, /If-Match header is given more than once/],
        [[key, FORM, ['Content-Type', 'application/json']], 300007, /Content-Type header is given more than once/],
        [[key, FORM, FORM], 300007, /Content-Type header is given more than once/],
        [[['Host', 'evil.example'], key, FORM], 300005, /Host/],
      ]
      for (const [headers, code, message] of cases) {
        assert.match(await expectCode(await call(path, headers), code, format), message, JSON.stringify(headers))
      }
      // An empty second Authorization is a second one too; a missing key is still 200000.
      await expectCode(await call(path, [key, ['Authorization', ''], FORM]), 300001, format)
      await expectCode(await call(path, [FORM]), 200000, format)
    }
    for (const slug of ['acme', 'other']) {
      const view = await showCase(server.ctx, slug, 12)
      assert.deepEqual([view.status, view.history], [null, []], slug)
    }
  })

  test(`[${kind.name}] two Authorization headers on /api/v1 answer 400 300001 and nothing is imported`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    const key: Header = ['Authorization', `api_key ${acme.key}`]
    const csv = 'number_customergauge,nps\n7,9\n'
    const requests = [
      rawHttp('GET /api/v1/cases HTTP/1.1', [['Host', 'x'], key, ['Authorization', 'api_key fh_bogus'], ['Connection', 'close']]),
      rawHttp('POST /api/v1/records HTTP/1.1', [['Host', 'x'], key, key, ['Content-Type', 'text/csv'], ['Content-Length', String(csv.length)], ['Connection', 'close']], csv),
    ]
    for (const request of requests) {
      const [answer] = await exchange(server.url, request)
      assert.ok(answer)
      assert.match(await expectApiError(answer, 300001), /Authorization header is given more than once/)
    }
    const [missing] = await exchange(server.url, rawHttp('GET /api/v1/records/7 HTTP/1.1', [['Host', 'x'], key, ['Connection', 'close']]))
    assert.ok(missing)
    await expectApiError(missing, 400200)
  })
}
