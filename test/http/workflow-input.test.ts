// Where and how fields arrive, over real HTTP: the query string, trimming, empty values, unknown fields.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import {
  caller,
  createTestTenant,
  expectCode,
  expectOk,
  form,
  multipart,
  startTestServer,
} from '../helpers/server.js'

async function setup(kind: TestDatabaseKind, t: TestContext) {
  const server = await startTestServer(kind)
  t.after(server.close)
  const users = ['des@acme.test', 'Ann@acme.test']
  const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12], users })
  const entries = async () =>
    (await showCase(server.ctx, 'acme', 12)).history.map((entry) => [
      entry.status_from,
      entry.status_to,
      entry.assigned_from,
      entry.assigned_to,
      entry.comment,
    ])
  return { server, send: caller(server, acme.key), entries }
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] fields in the query string count, alone or beside body fields`, async (t) => {
    const { send, entries } = await setup(kind, t)
    const query = 'number_customergauge=12&status=CLOSED&comment=from+the%20query'
    await expectOk(await send(undefined, { query }), 12)
    const body = form({ number_customergauge: 12, assigned_to: 'ann@acme.test' })
    await expectOk(await send(body, { format: 'xml', query: 'status=OPEN' }), 12, 'xml')
    const json = { query: 'comment=q', contentType: 'application/json' }
    await expectOk(await send('{"number_customergauge":12}', json), 12)
    await expectOk(
      await send(multipart([['number_customergauge', '12']]).body, {
        query: 'status=progress',
        contentType: multipart([]).contentType,
      }),
      12,
    )
    assert.deepEqual(await entries(), [
      [null, 'CLOSED', null, null, 'from the query'],
      ['CLOSED', 'OPEN', null, 'Ann@acme.test', null],
      ['OPEN', 'OPEN', 'Ann@acme.test', 'Ann@acme.test', 'q'],
      ['OPEN', 'PROGRESS', 'Ann@acme.test', 'Ann@acme.test', null],
    ])
  })

  test(`[${kind.name}] a field in both the query string and the body answers 300001 and writes nothing`, async (t) => {
    const { send, entries } = await setup(kind, t)
    for (const format of ['json', 'xml'] as const) {
      const body = form({ number_customergauge: 12, comment: 'b' })
      await expectCode(await send(body, { format, query: 'comment=a' }), 300001, format)
      // Even with an empty value in one of the two places.
      await expectCode(await send(body, { format, query: 'comment=' }), 300001, format)
    }
    assert.deepEqual(await entries(), [])
  })

  test(`[${kind.name}] values are trimmed, an empty value counts as absent, unknown fields are ignored`, async (t) => {
    const { send, entries } = await setup(kind, t)
    const padded =
      'number_customergauge=%2012%09&status=%20closed%20&assigned_to=%20ANN@acme.test%20' +
      '&comment=%20kept%20&foo=bar&api=1&foo=again'
    await expectOk(await send(padded), 12)
    await expectOk(await send('number_customergauge=12&status=&assigned_to=%20%20&comment='), 12)
    const json = { number_customergauge: 12, status: ' ', assigned_to: '', comment: '', x: [1] }
    await expectOk(await send(JSON.stringify(json), { contentType: 'application/json' }), 12)
    // The comment is not trimmed: it is stored exactly as sent.
    assert.deepEqual(await entries(), [
      [null, 'CLOSED', null, 'Ann@acme.test', ' kept '],
      ['CLOSED', 'CLOSED', 'Ann@acme.test', 'Ann@acme.test', null],
      ['CLOSED', 'CLOSED', 'Ann@acme.test', 'Ann@acme.test', null],
    ])
  })
}
