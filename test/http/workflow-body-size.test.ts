// The 64 KiB body limit over real HTTP: 65,537 bytes answer 413 300006 in every encoding, chunked
// included; 65,536 bytes are accepted.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import {
  WIRE_FORMATS,
  caller,
  createTestTenant,
  expectCode,
  expectOk,
  multipart,
  startTestServer,
  workflowUrl,
  type WireFormat,
} from '../helpers/server.js'

const LIMIT = 64 * 1024

async function setup(kind: TestDatabaseKind, t: TestContext) {
  const server = await startTestServer(kind)
  t.after(server.close)
  const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
  /** POSTs with Transfer-Encoding: chunked (a stream has no known length). */
  const sendChunked = (body: Uint8Array, contentType: string, format: WireFormat) => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let at = 0; at < body.length; at += 8192) controller.enqueue(body.slice(at, at + 8192))
        controller.close()
      },
    })
    const headers = { authorization: `api_key ${acme.key}`, 'content-type': contentType }
    const init = { method: 'POST', headers, body: stream, duplex: 'half' as const }
    return fetch(workflowUrl(server, format), init)
  }
  const history = async () => (await showCase(server.ctx, 'acme', 12)).history
  return { send: caller(server, acme.key), sendChunked, history }
}

interface SizedBody {
  name: string
  body: Uint8Array<ArrayBuffer>
  contentType: string
}

/** Bodies of exactly `size` bytes in each encoding: the CG-ID and an ignored padding field. */
function sized(size: number): SizedBody[] {
  const pad = (length: number) => 'x'.repeat(length)
  const form = 'number_customergauge=12&pad='
  const json = ['{"number_customergauge":12,"pad":"', '"}'] as const
  const parts = (padding: string) =>
    multipart([
      ['number_customergauge', '12'],
      ['pad', padding],
    ])
  const multipartOverhead = parts('').body.length
  return [
    {
      name: 'form',
      body: new TextEncoder().encode(form + pad(size - form.length)),
      contentType: 'application/x-www-form-urlencoded',
    },
    {
      name: 'JSON',
      body: new TextEncoder().encode(json[0] + pad(size - json.join('').length) + json[1]),
      contentType: 'application/json',
    },
    { name: 'multipart', ...parts(pad(size - multipartOverhead)) },
  ]
}

for (const kind of TEST_DATABASES) {
  for (const format of WIRE_FORMATS) {
    test(`[${kind.name}] ${format}: a 65,537-byte body answers 413 300006 in form, JSON, multipart and chunked`, async (t) => {
      const { send, sendChunked, history } = await setup(kind, t)
      for (const { name, body, contentType } of sized(LIMIT + 1)) {
        assert.equal(body.length, LIMIT + 1, name)
        await expectCode(await send(body, { format, contentType }), 300006, format)
        await expectCode(await sendChunked(body, contentType, format), 300006, format)
      }
      assert.deepEqual(await history(), [])
    })
  }

  test(`[${kind.name}] a 65,536-byte body is accepted in form, JSON, multipart and chunked`, async (t) => {
    const { send, sendChunked, history } = await setup(kind, t)
    for (const { name, body, contentType } of sized(LIMIT)) {
      assert.equal(body.length, LIMIT, name)
      await expectOk(await send(body, { contentType }), 12)
      await expectOk(await sendChunked(body, contentType, 'xml'), 12, 'xml')
    }
    assert.equal((await history()).length, 6)
  })
}
