// GET /api/v1/records/{cgid} and POST /api/v1/records (JSON, NDJSON, CSV): counts, upserts,
// auto-opened cases, and all or nothing: a refused file writes nothing.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { api, expectApiError, expectJson, getCase, getRecord, importFile, type ImportAnswer } from '../helpers/api-v1.js'
import { createTestTenant, startTestServer, type TenantFixture, type TestServer } from '../helpers/server.js'

const JSON_TYPE = 'application/json'
const NDJSON = 'application/x-ndjson'
const CSV = 'text/csv; charset=utf-8'
const T0 = Date.parse('2026-11-27T10:00:00.000Z')
const at = (second: number): string => new Date(T0 + second * 1000).toISOString()

async function setup(kind: TestDatabaseKind, t: TestContext, fixture: Omit<TenantFixture, 'slug'> = {}) {
  let clock = new Date(at(0))
  const server = await startTestServer(kind, { now: () => clock })
  t.after(server.close)
  const acme = await createTestTenant(server.ctx, { slug: 'acme', ...fixture })
  /** Imports a file at `second`; returns the report. */
  const load = async (second: number, body: BodyInit, contentType: string): Promise<ImportAnswer> => {
    clock = new Date(at(second))
    return expectJson<ImportAnswer>(await importFile(server, acme.key, body, contentType))
  }
  return { server, acme, load }
}

/** Asserts the tenant has no record with these CG-IDs (404 400200 on the native API). */
async function assertAbsent(server: TestServer, key: string, cgids: readonly number[]): Promise<void> {
  for (const cgid of cgids) await expectApiError(await api(server, key, `/records/${cgid}`), 400200)
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] GET /api/v1/records/{cgid} shows the survey fields, the other fields as extra and the times; 404 400200 when missing`, async (t) => {
    const { server, acme, load } = await setup(kind, t)
    const row = { number_customergauge: 12, nps: 4, comment: 'Slow delivery', account: 'Directness', email: 'x@y.test', first_name: 'Des', last_name: 'Patch', date_creation: '2026-11-20T08:00:00Z', region: 'north', score_detail: { a: 1 } }
    assert.deepEqual(await load(0, JSON.stringify([row]), JSON_TYPE), { imported: 1, updated: 0, opened: 1 })
    const { region, score_detail, ...known } = row
    assert.deepEqual(await getRecord(server, acme.key, 12), { ...known, extra: { region, score_detail }, created_at: at(0), updated_at: at(0) })
    // A second import replaces the survey fields and keeps created_at.
    assert.deepEqual(await load(60, JSON.stringify([{ number_customergauge: 12, nps: 9 }]), JSON_TYPE), { imported: 0, updated: 1, opened: 0 })
    const replaced = await getRecord(server, acme.key, 12)
    assert.deepEqual([replaced.nps, replaced.comment, replaced.extra, replaced.created_at, replaced.updated_at], [9, null, {}, at(0), at(60)])
    await expectApiError(await api(server, acme.key, '/records/13'), 400200)
    for (const cgid of ['abc', '0', '1.5', '9007199254740992']) await expectApiError(await api(server, acme.key, `/records/${cgid}`), 300001)
  })

  test(`[${kind.name}] JSON arrays, NDJSON and CSV (header row, quoted multi-line cell) import with {imported, updated, opened} counts`, async (t) => {
    const { server, acme, load } = await setup(kind, t)
    const json = JSON.stringify([{ number_customergauge: 1, nps: 9 }, { number_customergauge: 2, nps: '3' }, { number_customergauge: '3' }])
    assert.deepEqual(await load(0, json, JSON_TYPE), { imported: 3, updated: 0, opened: 1 })
    const ndjson = [{ number_customergauge: 3, nps: 0 }, { number_customergauge: 4, nps: 10 }].map((row) => JSON.stringify(row)).join('\n')
    assert.deepEqual(await load(10, `${ndjson}\n\n`, NDJSON), { imported: 1, updated: 1, opened: 1 })
    // Windows line ends; the quoted cell keeps its own line break as it is.
    const csv = 'number_customergauge,nps,comment,account\r\n5,6,"first line\nsecond line, with a comma",Acme\r\n4,2,"say ""hi""",\r\n6,7,,\r\n'
    assert.deepEqual(await load(20, csv, CSV), { imported: 2, updated: 1, opened: 2 })
    const five = await getRecord(server, acme.key, 5)
    assert.deepEqual([five.nps, five.comment, five.account], [6, 'first line\nsecond line, with a comma', 'Acme'])
    assert.deepEqual([(await getRecord(server, acme.key, 4)).comment, (await getRecord(server, acme.key, 6)).comment], ['say "hi"', null])
    // The same files again: everything is an update, and no case opens twice.
    assert.deepEqual(await load(30, csv, CSV), { imported: 0, updated: 3, opened: 0 })
    assert.deepEqual(await load(40, json, JSON_TYPE), { imported: 0, updated: 3, opened: 0 })
  })

  test(`[${kind.name}] a detractor (nps 0–6) gets an OPEN case with actor import, visible at /api/v1/cases/{cgid}; a passive or promoter none`, async (t) => {
    const { server, acme, load } = await setup(kind, t)
    const rows = [0, 6, 7, 10].map((nps) => ({ number_customergauge: 100 + nps, nps }))
    assert.deepEqual(await load(0, JSON.stringify(rows), JSON_TYPE), { imported: 4, updated: 0, opened: 2 })
    for (const cgid of [100, 106]) {
      const view = await getCase(server, acme.key, cgid)
      assert.deepEqual([view.status, view.opened_at, view.followed_up_at], ['OPEN', at(0), null])
      assert.deepEqual(view.history, [
        { seq: 1, at: at(0), happened_at: at(0), actor: 'import', status_from: null, status_to: 'OPEN', status_label_from: null, status_label_to: 'OPEN', assigned_from: null, assigned_to: null, comment: null },
      ])
    }
    for (const cgid of [107, 110]) assert.deepEqual((await getCase(server, acme.key, cgid)).status, null)
  })

  test(`[${kind.name}] with auto-open off, a detractor's import opens no case`, async (t) => {
    const { server, acme, load } = await setup(kind, t, { autoOpen: false })
    assert.deepEqual(await load(0, 'number_customergauge,nps\n7,1\n', CSV), { imported: 1, updated: 0, opened: 0 })
    const view = await getCase(server, acme.key, 7)
    assert.deepEqual([view.status, view.history], [null, []])
  })

  test(`[${kind.name}] a file with one bad row answers 300001 naming its line and writes nothing of the file`, async (t) => {
    const { server, acme, load } = await setup(kind, t)
    await load(0, JSON.stringify([{ number_customergauge: 1, nps: 9, comment: 'before' }]), JSON_TYPE)
    const before = await getRecord(server, acme.key, 1)
    // [Content-Type, body, the line the message must name]; each file first updates record 1 and adds a detractor.
    const files: Array<[string, string, number]> = [
      [CSV, 'number_customergauge,nps,comment\n1,2,after\n2,11,bad nps\n3,1,never\n', 3],
      [CSV, 'number_customergauge,nps,comment\n1,2,"after\nmore"\n2,3,fine\nx,1,bad id\n', 5],
      [JSON_TYPE, JSON.stringify([{ number_customergauge: 1, nps: 2, comment: 'after' }, { number_customergauge: 2, nps: -1 }, { number_customergauge: 3 }]), 2],
      [NDJSON, '{"number_customergauge":1,"nps":2,"comment":"after"}\n{"number_customergauge":2,"nps":1}\n\n{"number_customergauge":3,"nps":"x"}\n', 4],
      [NDJSON, '{"number_customergauge":1,"nps":2}\n{"number_customergauge":2,"nps":1}\n{not json}\n', 3],
      [JSON_TYPE, JSON.stringify([{ number_customergauge: 1, nps: 2 }, { number_customergauge: 2 }, { nps: 3 }]), 3],
    ]
    for (const [contentType, body, line] of files) {
      const response = await importFile(server, acme.key, body, contentType)
      const message = await expectApiError(response, 300001)
      assert.match(message, new RegExp(`\\bline ${line}\\b`), `${contentType}: ${body}`)
      assert.deepEqual(await getRecord(server, acme.key, 1), before, body)
      assert.equal((await getCase(server, acme.key, 1)).status, null, body)
      await assertAbsent(server, acme.key, [2, 3])
    }
  })

  test(`[${kind.name}] invalid UTF-8 answers 300005, text/plain 415 300007, a body over 10 MiB 413 300006; none writes anything`, async (t) => {
    const { server, acme } = await setup(kind, t)
    const invalid = Buffer.concat([Buffer.from('number_customergauge,nps,comment\n1,2,caf'), Buffer.from([0xc3, 0x28]), Buffer.from('\n')])
    await expectApiError(await importFile(server, acme.key, invalid, CSV), 300005)
    await expectApiError(await importFile(server, acme.key, '[{"number_customergauge":1}]', 'text/plain'), 300007)
    await expectApiError(await importFile(server, acme.key, '[{"number_customergauge":1}', JSON_TYPE), 300005)
    const rows = Array.from({ length: 10_500 }, (_, i) => `${i + 1},3,${'x'.repeat(1000)}\n`)
    const huge = `number_customergauge,nps,comment\n${rows.join('')}`
    assert.ok(Buffer.byteLength(huge) > 10 * 1024 * 1024)
    await expectApiError(await importFile(server, acme.key, huge, CSV), 300006)
    await assertAbsent(server, acme.key, [1, 2, 10_500])
  })

  test(`[${kind.name}] CSV cells that look like formulas (=1+1, +SUM, @cmd, -2) are stored and shown as the text they are`, async (t) => {
    const { server, acme, load } = await setup(kind, t)
    await load(0, 'number_customergauge,comment,account,first_name,last_name,note\n8,=1+1,+SUM(A1:A2),@cmd,-2,"=HYPERLINK(""x"")"\n', CSV)
    const record = await getRecord(server, acme.key, 8)
    assert.deepEqual(
      [record.comment, record.account, record.first_name, record.last_name, record.extra],
      ['=1+1', '+SUM(A1:A2)', '@cmd', '-2', { note: '=HYPERLINK("x")' }],
    )
  })
}
