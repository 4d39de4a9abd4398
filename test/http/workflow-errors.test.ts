// The argument errors of the v4.1 call over real HTTP, in both formats: 300000 (too many fields),
// 300001 (bad CG-ID, repeated field, wrong JSON type), 300004 (missing CG-ID).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import {
  WIRE_FORMATS,
  caller,
  createTestTenant,
  expectCode,
  expectOk,
  form,
  multipart,
  serverPerFile,
  uniqueSlug,
} from '../helpers/server.js'

const JSON_TYPE = 'application/json'

const serverFor = serverPerFile()

/** Tenant acme-<n> (record 12, user des) on the file's server. */
async function setup(kind: TestDatabaseKind) {
  const server = await serverFor(kind)
  const slug = uniqueSlug()
  const acme = await createTestTenant(server.ctx, {
    slug,
    records: [12],
    users: ['des@acme.test'],
  })
  const assertNoCase = async () => {
    const view = await showCase(server.ctx, slug, 12)
    assert.deepEqual([view.status, view.history], [null, []])
  }
  return { server, slug, send: caller(server, acme.key), assertNoCase }
}

/** `count` fields in all: the CG-ID and unknown padding fields. */
function fieldsOf(count: number): [string, string][] {
  const padding = Array.from({ length: count - 1 }, (_, i): [string, string] => [`f${i}`, 'x'])
  return [['number_customergauge', '12'], ...padding]
}

/** The same fields as a form, a JSON object and a multipart body. */
function inEveryEncoding(
  fields: [string, string][],
): Array<{ body: BodyInit; contentType?: string }> {
  return [
    { body: new URLSearchParams(fields).toString() },
    { body: JSON.stringify(Object.fromEntries(fields)), contentType: JSON_TYPE },
    multipart(fields),
  ]
}

const BAD_FORM_CGIDS = ['abc', '-1', '0', '00', '1.5', '12.0', '1e3', '0x10', '+12', '12a', '1 2']
const BAD_BIG_CGIDS = ['9007199254740992', '99999999999999999999', '١٢']
const BAD_JSON_CGIDS = ['0', '-12', '12.5', '9007199254740992', '1e400', 'true', '"1e3"', '[12]']

for (const kind of TEST_DATABASES) {
  for (const format of WIRE_FORMATS) {
    test(`[${kind.name}] ${format}: 101 fields answer 300000 in form, JSON, multipart and query string, and write nothing`, async () => {
      const { send, assertNoCase } = await setup(kind)
      const fields = fieldsOf(101)
      for (const { body, contentType } of inEveryEncoding(fields)) {
        await expectCode(await send(body, { format, contentType }), 300000, format)
      }
      const query = new URLSearchParams(fields).toString()
      await expectCode(await send(undefined, { format, query }), 300000, format)
      // Query string and body count together.
      const head = new URLSearchParams(fields.slice(0, 60)).toString()
      const rest = new URLSearchParams([...fields.slice(60), ['one_more', 'x']]).toString()
      await expectCode(await send(rest, { format, query: head }), 300000, format)
      await assertNoCase()
    })

    test(`[${kind.name}] ${format}: bad number_customergauge forms answer 300001 and write nothing`, async () => {
      const { send, assertNoCase } = await setup(kind)
      for (const cgid of [...BAD_FORM_CGIDS, ...BAD_BIG_CGIDS]) {
        const message = await expectCode(
          await send(form({ number_customergauge: cgid }), { format }),
          300001,
          format,
        )
        assert.match(message, /number_customergauge/)
      }
      for (const cgid of [...BAD_JSON_CGIDS, '{"n":12}']) {
        const body = `{"number_customergauge":${cgid}}`
        await expectCode(await send(body, { format, contentType: JSON_TYPE }), 300001, format)
      }
      await assertNoCase()
    })

    test(`[${kind.name}] ${format}: a field given twice answers 300001 in form, multipart, JSON and query+body`, async () => {
      const { send, assertNoCase } = await setup(kind)
      const repeated: Array<{ body: BodyInit; contentType?: string }> = [
        { body: 'number_customergauge=12&number_customergauge=12' },
        { body: 'number_customergauge=12&status=OPEN&status=CLOSED' },
        // The second value is empty, yet the field is still given twice.
        { body: 'number_customergauge=12&comment=a&comment=' },
        multipart([
          ['number_customergauge', '12'],
          ['assigned_to', 'des@acme.test'],
          ['assigned_to', 'des@acme.test'],
        ]),
        { body: '{"number_customergauge":12,"comment":"a","comment":"b"}', contentType: JSON_TYPE },
        { body: '{"number_customergauge":12,"number_customergauge":"12"}', contentType: JSON_TYPE },
      ]
      for (const { body, contentType } of repeated) {
        const message = await expectCode(await send(body, { format, contentType }), 300001, format)
        assert.match(message, /more than once/)
      }
      const twice = form({ number_customergauge: 12, status: 'OPEN' })
      await expectCode(await send(twice, { format, query: 'status=OPEN' }), 300001, format)
      const json = { format, contentType: JSON_TYPE, query: 'number_customergauge=12' }
      await expectCode(await send('{"number_customergauge":12}', json), 300001, format)
      await assertNoCase()
    })

    test(`[${kind.name}] ${format}: a JSON status, comment or assignee that is not a string answers 300001`, async () => {
      const { send, assertNoCase } = await setup(kind)
      const values = ['"status":3', '"status":true', '"comment":["a"]', '"assigned_to":{}']
      for (const value of values) {
        const body = `{"number_customergauge":12,${value}}`
        await expectCode(await send(body, { format, contentType: JSON_TYPE }), 300001, format)
      }
      await assertNoCase()
    })

    test(`[${kind.name}] ${format}: a missing or empty number_customergauge answers 300004 and writes nothing`, async () => {
      const { send, assertNoCase } = await setup(kind)
      const missing: Array<{ body: BodyInit | undefined; contentType?: string }> = [
        { body: form({ status: 'CLOSED', comment: 'no id' }) },
        { body: 'number_customergauge=&status=CLOSED' },
        { body: 'number_customergauge=%20%20&status=CLOSED' },
        { body: 'number_customergauge&status=CLOSED' },
        { body: '{"status":"CLOSED"}', contentType: JSON_TYPE },
        { body: '{"number_customergauge":null,"status":"CLOSED"}', contentType: JSON_TYPE },
        { body: '{"number_customergauge":" ","status":"CLOSED"}', contentType: JSON_TYPE },
        { body: '{}', contentType: JSON_TYPE },
        multipart([['status', 'CLOSED']]),
        { body: '' },
        { body: undefined },
      ]
      for (const { body, contentType } of missing) {
        const message = await expectCode(await send(body, { format, contentType }), 300004, format)
        assert.match(message, /number_customergauge/)
      }
      await assertNoCase()
    })
  }

  test(`[${kind.name}] 100 fields are accepted in form, JSON and multipart; unknown fields are ignored`, async () => {
    const { server, slug, send } = await setup(kind)
    for (const { body, contentType } of inEveryEncoding(fieldsOf(100))) {
      await expectOk(await send(body, { contentType }), 12)
    }
    assert.equal((await showCase(server.ctx, slug, 12)).history.length, 3)
  })

  // A JSON number written with a fraction or an exponent (12.0, 1E2) is 300001: workflow-json-strict.test.ts.
  test(`[${kind.name}] 2^53-1, leading zeros, a JSON number and a JSON digit string are valid CG-IDs`, async () => {
    const { server, slug, send } = await setup(kind)
    // Valid, but no such record: 400200 shows the CG-ID itself was accepted.
    await expectCode(await send(form({ number_customergauge: '9007199254740991' })), 400200)
    await expectOk(await send(form({ number_customergauge: '012' })), 12)
    await expectOk(await send('{"number_customergauge":12}', { contentType: JSON_TYPE }), 12)
    await expectOk(await send('{"number_customergauge":" 12 "}', { contentType: JSON_TYPE }), 12)
    assert.equal((await showCase(server.ctx, slug, 12)).history.length, 3)
  })
}
