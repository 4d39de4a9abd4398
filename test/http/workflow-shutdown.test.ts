// A graceful stop over real HTTP: a call in flight completes; a call that reaches the closing server
// on a kept-alive connection answers 503 503000 with Retry-After in the path's format.

import assert from 'node:assert/strict'
import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { test } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import {
  WIRE_FORMATS,
  createTestTenant,
  expectCode,
  expectOk,
  startTestServer,
} from '../helpers/server.js'

const BODY = 'number_customergauge=12&status=CLOSED'

/** A request as raw bytes, so a second one can be pipelined behind the first on one socket. */
function rawPost(path: string, key: string): string {
  const headers = [
    `POST ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    `Authorization: api_key ${key}`,
    'Content-Type: application/x-www-form-urlencoded',
    `Content-Length: ${BODY.length}`,
  ]
  return `${headers.join('\r\n')}\r\n\r\n${BODY}`
}

/** Splits what a socket received into Responses (each with a Content-Length). */
function parseAnswers(received: string): Response[] {
  const answers: Response[] = []
  let rest = received
  while (rest.startsWith('HTTP/1.1 ')) {
    const end = rest.indexOf('\r\n\r\n')
    const [statusLine, ...lines] = rest.slice(0, end).split('\r\n')
    const headers = new Headers(lines.map((line) => line.split(/:\s*/, 2) as [string, string]))
    const length = Number(headers.get('content-length'))
    const body = Buffer.from(rest.slice(end + 4))
      .subarray(0, length)
      .toString()
    answers.push(new Response(body, { status: Number(statusLine!.split(' ')[1]), headers }))
    rest = Buffer.from(rest.slice(end + 4))
      .subarray(length)
      .toString()
  }
  return answers
}

/** A socket to the server; `received` resolves with all it got once the server has closed it. */
async function openSocket(url: string): Promise<{ socket: Socket; received: Promise<string> }> {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  const received = new Promise<string>((resolve) =>
    socket.once('close', () => resolve(Buffer.concat(chunks).toString('utf8'))),
  )
  await new Promise((resolve) => socket.once('connect', resolve))
  return { socket, received }
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] a call reaching a closing server answers 503 503000 with Retry-After in the path's format`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    // One socket per format: each sends a call whose body is still arriving when the stop begins.
    const sockets = await Promise.all(WIRE_FORMATS.map(() => openSocket(server.url)))
    // Stop only once the server has read both calls' headers: a fixed pause loses that race on a busy machine.
    let seen = 0
    server.app.server.on('request', () => (seen += 1))
    for (const [i, format] of WIRE_FORMATS.entries()) {
      const first = rawPost(`/v4.1/workflow.${format}`, acme.key)
      sockets[i]!.socket.write(first.slice(0, -5))
    }
    while (seen < WIRE_FORMATS.length) await sleep(10)
    const stopping = server.app.close()
    await sleep(100)
    // The rest of the first call, and a second call behind it on the same connection.
    for (const [i, format] of WIRE_FORMATS.entries()) {
      sockets[i]!.socket.write(BODY.slice(-5) + rawPost(`/v4.1/workflow.${format}`, acme.key))
    }
    await stopping
    for (const [i, format] of WIRE_FORMATS.entries()) {
      const [inFlight, late, ...more] = parseAnswers(await sockets[i]!.received)
      assert.deepEqual(more, [])
      await expectOk(inFlight!, 12, format)
      assert.match(late!.headers.get('retry-after') ?? '', /^[1-9]\d*$/)
      await expectCode(late!, 503000, format)
    }
    // Both calls in flight were written; the late ones were not.
    assert.equal((await showCase(server.ctx, 'acme', 12)).history.length, 2)
  })
}
