// Requests the HTTP parser refuses, sent as-is on a raw socket: every answer is the SPEC envelope
// with the common headers (issue 13, item 17), and requests read whole before a malformed one on
// the same connection are answered first, in order (item 18).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { exchange, openConnection, parseAnswers, rawFormPost } from '../helpers/raw-http.js'
import { createTestTenant, expectError, expectOk, form, startTestServer, type WireFormat } from '../helpers/server.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** The envelope (code 300005) and the headers every answer carries. */
async function expectRefusal(answer: Response | undefined, status: number, format: WireFormat, what: string): Promise<string> {
  assert.ok(answer, `${what}: no answer`)
  assert.match(answer.headers.get('x-request-id') ?? '', UUID, what)
  assert.equal(answer.headers.get('x-content-type-options'), 'nosniff', what)
  assert.equal(answer.headers.get('cache-control'), 'no-store', what)
  return expectError(answer, status, 300005, format)
}

/** [what, the raw request, its answer's status, its format] */
const MALFORMED: ReadonlyArray<readonly [string, string, number, WireFormat]> = [
  ['a space in a header name', 'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n', 400, 'json'],
  ['two Content-Lengths', 'POST /v4.1/workflow.xml HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab', 400, 'xml'],
  ['a bad chunk size', 'POST /v4.1/workflow.json HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n', 400, 'json'],
  ['no request line', '\x01\x02 nonsense\r\n\r\n', 400, 'json'],
  ['headers over 16 KiB', `GET /v4.1/workflow.xml HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'xml'],
  // Node answers this one itself unless told not to: an empty 400 without headers.
  ['no Host (HTTP/1.1)', 'GET /healthz HTTP/1.1\r\nConnection: keep-alive\r\n\r\n', 400, 'json'],
  ['no Host, on an .xml path', 'POST /v4.1/workflow.xml HTTP/1.1\r\nContent-Length: 0\r\n\r\n', 400, 'xml'],
  ['two Hosts', 'GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400, 'json'],
]

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] every malformed request answers the 300005 envelope with X-Request-Id, X-Content-Type-Options and Cache-Control, and the connection closes`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    for (const [what, request, status, format] of MALFORMED) {
      // exchange() returns once the server has closed the connection.
      const [answer, ...more] = await exchange(server.url, request)
      await expectRefusal(answer, status, format, what)
      assert.deepEqual(more, [], what)
    }
    // HTTP/1.0 needs no Host.
    const [old] = await exchange(server.url, 'GET /healthz HTTP/1.0\r\n\r\n')
    assert.equal(old?.status, 200)
  })

  test(`[${kind.name}] a request that does not arrive in time answers 408 with the 300005 envelope and the headers`, async (t) => {
    const server = await startTestServer(kind, { env: { FIREHOUSE_HEADERS_TIMEOUT: '1', FIREHOUSE_REQUEST_TIMEOUT: '1' } })
    t.after(server.close)
    const [answer] = await exchange(server.url, 'POST /v4.1/workflow.json HTTP/1.1\r\nHost: x\r\n')
    await expectRefusal(answer, 408, 'json', 'headers never finished')
  })

  test(`[${kind.name}] pipelined updates then a malformed request: each update answers 200 in order, then the 400, then the connection closes`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    const first = rawFormPost('/v4.1/workflow.json', acme.key, form({ number_customergauge: 12, status: 'CLOSED' }))
    const second = rawFormPost('/v4.1/workflow.xml', acme.key, form({ number_customergauge: 12, comment: 'second' }))
    // All in one write: the parser reads past both updates while they are in flight.
    const answers = await exchange(server.url, `${first}${second}GARBAGE\r\n\r\n`)
    assert.equal(answers.length, 3, `answers: ${answers.map((answer) => answer.status).join(', ')}`)
    await expectOk(answers[0]!, 12, 'json')
    await expectOk(answers[1]!, 12, 'xml')
    await expectRefusal(answers[2], 400, 'json', 'the malformed request')
    const view = await showCase(server.ctx, 'acme', 12)
    assert.equal(view.status, 'CLOSED')
    // Both committed, once each (Node hands pipelined requests over at once: either may commit first).
    assert.deepEqual(view.history.map((entry) => entry.comment ?? '').sort(), ['', 'second'])
  })

  test(`[${kind.name}] a kept-alive connection whose update was answered, then a malformed request: the refusal comes at once, the answered update is not waited for`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    const connection = await openConnection(server.url)
    const chunks: Buffer[] = []
    connection.socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    connection.socket.write(rawFormPost('/v4.1/workflow.json', acme.key, form({ number_customergauge: 12, status: 'CLOSED' })))
    while (parseAnswers(Buffer.concat(chunks)).length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    connection.socket.write('GARBAGE\r\n\r\n')
    const answers = parseAnswers(await connection.received)
    assert.equal(answers.length, 2, `answers: ${answers.map((answer) => answer.status).join(', ')}`)
    await expectOk(answers[0]!, 12, 'json')
    await expectRefusal(answers[1], 400, 'json', 'the malformed request after an answered one')
  })
}
