// The 10 MiB limit of POST /api/v1/records at its edge: exactly 10 MiB imports, one byte more answers
// 413 300006 and imports nothing, with a Content-Length and chunked alike.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { api, expectApiError, expectJson, type ImportAnswer } from '../helpers/api-v1.js'
import { createTestTenant, startTestServer, type TestServer } from '../helpers/server.js'

const LIMIT = 10 * 1024 * 1024
const HEADER = 'number_customergauge,nps,comment\n'

/** A valid CSV of exactly `size` bytes: rows with long comments (each within the 10,000-character rule). */
function csvOfSize(size: number): { body: Uint8Array<ArrayBuffer>; rows: number } {
  const rows: string[] = []
  let left = size - HEADER.length
  while (left > 10_000) {
    const row = `${rows.length + 1},9,${'x'.repeat(9_000)}\n`
    rows.push(row)
    left -= row.length
  }
  const prefix = `${rows.length + 1},9,`
  rows.push(`${prefix}${'y'.repeat(left - prefix.length - 1)}\n`)
  const body = new Uint8Array(Buffer.from(HEADER + rows.join('')))
  assert.equal(body.length, size)
  return { body, rows: rows.length }
}

/** A body without a length: fetch sends a stream with Transfer-Encoding: chunked. */
function chunked(body: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (let at = 0; at < body.length; at += 256 * 1024) controller.enqueue(body.slice(at, at + 256 * 1024))
      controller.close()
    },
  })
}

function importCsv(server: TestServer, key: string, body: Uint8Array<ArrayBuffer> | ReadableStream<Uint8Array>): Promise<Response> {
  const headers = { authorization: `api_key ${key}`, 'content-type': 'text/csv' }
  return fetch(`${server.url}/api/v1/records`, { method: 'POST', body, headers, duplex: 'half' } as RequestInit)
}

async function setup(kind: TestDatabaseKind, t: TestContext) {
  const server = await startTestServer(kind)
  t.after(server.close)
  const acme = await createTestTenant(server.ctx, { slug: 'acme' })
  return { server, acme }
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] a 10 MiB + 1 byte import answers 413 300006 and imports nothing, with Content-Length or chunked`, async (t) => {
    const { server, acme } = await setup(kind, t)
    const { body } = csvOfSize(LIMIT + 1)
    await expectApiError(await importCsv(server, acme.key, body), 300006)
    await expectApiError(await importCsv(server, acme.key, chunked(body)), 300006)
    await expectApiError(await api(server, acme.key, '/records/1'), 400200)
  })

  test(`[${kind.name}] an import of exactly 10 MiB is accepted, with Content-Length or chunked`, async (t) => {
    const { server, acme } = await setup(kind, t)
    const { body, rows } = csvOfSize(LIMIT)
    assert.equal((await expectJson<ImportAnswer>(await importCsv(server, acme.key, body))).imported, rows)
    // The same file again only updates.
    assert.equal((await expectJson<ImportAnswer>(await importCsv(server, acme.key, chunked(body)))).updated, rows)
  })
}
