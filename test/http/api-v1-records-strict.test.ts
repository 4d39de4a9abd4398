// POST /api/v1/records refuses what v4.1 refuses instead of altering it (issue 13, items 8, 11, 12):
// deep nesting, integers not written in decimal digits, text XML cannot carry, repeated fields,
// days that do not exist, invalid UTF-8. Each refusal names the line and writes nothing.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isFirehouseError } from '../../src/domain/errors.js'
import { MAX_JSON_DEPTH } from '../../src/domain/json-shape.js'
import { listCases } from '../../src/service/case-feed.js'
import { getTenant } from '../../src/service/tenants.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { api, expectApiError, expectJson, getRecord, importFile, type ImportAnswer } from '../helpers/api-v1.js'
import { readTenantRows } from '../helpers/raw-tables.js'
import { createTestTenant, serverPerFile, uniqueSlug } from '../helpers/server.js'

const JSON_TYPE = 'application/json'
const NDJSON = 'application/x-ndjson'
const CSV = 'text/csv'

/** A value nested `levels` deep in arrays. */
const nested = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`

const serverFor = serverPerFile()

async function setup(kind: TestDatabaseKind) {
  const server = await serverFor(kind)
  const slug = uniqueSlug()
  const acme = await createTestTenant(server.ctx, { slug })
  // Record 1 exists, with a case: every refused file below would update it and add records 2 and 3.
  await expectJson(await importFile(server, acme.key, '{"number_customergauge":1,"nps":2,"comment":"before"}', NDJSON))
  /** Asserts each file answers `code` naming its line (when given) and changes no row of the tenant. */
  const refuse = async (files: ReadonlyArray<readonly [string, string | Buffer<ArrayBuffer>, number | null]>, code = 300001) => {
    for (const [contentType, body, line] of files) {
      const before = await readTenantRows(server.ctx, slug)
      const shown = `${contentType}: ${String(body).slice(0, 120)}`
      const message = await expectApiError(await importFile(server, acme.key, body, contentType), code)
      if (line !== null) assert.match(message, new RegExp(`^line ${line}: `), shown)
      assert.deepEqual(await readTenantRows(server.ctx, slug), before, `${shown} wrote something`)
    }
  }
  const load = async (body: string, contentType: string) => expectJson<ImportAnswer>(await importFile(server, acme.key, body, contentType))
  return { server, acme, refuse, load }
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] item 8: a record nested deeper than ${MAX_JSON_DEPTH} (4,500 or 33 levels) answers 300001 naming its line, never 500, and writes nothing; ${MAX_JSON_DEPTH} levels import`, async () => {
    const { server, acme, refuse, load } = await setup(kind)
    const good = '{"number_customergauge":1,"nps":3}\n{"number_customergauge":2,"nps":1}'
    await refuse([
      [NDJSON, `${good}\n\n{"number_customergauge":3,"x":${nested(4_500)}}\n`, 4],
      [NDJSON, `${good}\n{"number_customergauge":3,"x":${nested(MAX_JSON_DEPTH)}}\n`, 3],
      // The whole body is one unbalanced run of brackets: refused before any parser meets it.
      [NDJSON, `${good}\n${'['.repeat(100_000)}\n`, 3],
      [JSON_TYPE, `[{"number_customergauge":1},{"number_customergauge":2},{"number_customergauge":3,"x":${nested(4_500)}}]`, 3],
      [JSON_TYPE, `[{"number_customergauge":1},{"number_customergauge":2,"x":{"y":${nested(MAX_JSON_DEPTH - 2)}}}]`, 2],
      [JSON_TYPE, nested(4_500), 1],
    ])
    // The outermost value counts: an NDJSON record may hold 31 more levels, a JSON array's element 30.
    assert.deepEqual(await load(`{"number_customergauge":4,"x":${nested(MAX_JSON_DEPTH - 1)}}`, NDJSON), { imported: 1, updated: 0, opened: 0 })
    assert.deepEqual(await load(`[{"number_customergauge":5,"x":${nested(MAX_JSON_DEPTH - 2)}}]`, JSON_TYPE), { imported: 1, updated: 0, opened: 0 })
    assert.deepEqual((await getRecord(server, acme.key, 4)).extra, { x: JSON.parse(nested(MAX_JSON_DEPTH - 1)) })
  })

  test(`[${kind.name}] item 11: number_customergauge or nps written 1E2, 1.0000000000000001, 5.0, -0 answers 300001 naming its line and writes nothing; other fields keep any number`, async () => {
    const { server, acme, refuse, load } = await setup(kind)
    const good = '{"number_customergauge":1,"nps":3}\n{"number_customergauge":2,"nps":1}'
    await refuse([
      [NDJSON, `${good}\n{"number_customergauge":1E2}\n`, 3],
      [NDJSON, `${good}\n{"number_customergauge":1.0000000000000001,"nps":1}\n`, 3],
      [NDJSON, `${good}\n{"number_customergauge":3,"nps":5.0}\n`, 3],
      [NDJSON, `${good}\n{"number_customergauge":3,"nps":-0}\n`, 3],
      [NDJSON, `${good}\n{"number\\u005fcustomergauge":3e0}\n`, 3],
      [JSON_TYPE, '[{"number_customergauge":1,"nps":3},{"number_customergauge":2e0}]', 2],
      [JSON_TYPE, '[{"number_customergauge":1,"nps":3},{"number_customergauge":2},{"number_customergauge":3,"nps":1e0}]', 3],
    ])
    assert.deepEqual(await load('[{"number_customergauge":100,"nps":9,"score":1.5E2,"delta":-0.25,"nested":{"nps":1.0}}]', JSON_TYPE), { imported: 1, updated: 0, opened: 0 })
    assert.deepEqual((await getRecord(server, acme.key, 100)).extra, { score: 150, delta: -0.25, nested: { nps: 1 } })
    await expectApiError(await api(server, acme.key, '/records/3'), 400200)
  })

  test(`[${kind.name}] item 12: a lone surrogate, NUL, U+FFFE (in a text field, another field or a name), a repeated name or CSV column and 2026-02-30 answer 300001 naming the line and write nothing`, async () => {
    const { server, acme, refuse, load } = await setup(kind)
    const good = '{"number_customergauge":1,"nps":3}\n{"number_customergauge":2,"nps":1}'
    const csvHeader = 'number_customergauge,nps,comment,date_creation'
    await refuse([
      [NDJSON, `${good}\n{"number_customergauge":3,"comment":"cut \\ud83d"}\n`, 3],
      [NDJSON, `${good}\n{"number_customergauge":3,"comment":"\\udc00 alone"}\n`, 3],
      [NDJSON, `${good}\n{"number_customergauge":3,"account":"a\\u0000b"}\n`, 3],
      [NDJSON, `${good}\n{"number_customergauge":3,"email":"\uFFFE@x.test"}\n`, 3],
      [NDJSON, `${good}\n{"number_customergauge":3,"note":{"deep":["\\u0007"]}}\n`, 3],
      [NDJSON, `${good}\n{"number_customergauge":3,"bad\\u0000name":1}\n`, 3],
      [NDJSON, `${good}\n{"number_customergauge":3,"nps":1,"nps":9}\n`, 3],
      [JSON_TYPE, '[{"number_customergauge":1},{"number_customergauge":2,"comment":"a","comment":"b"}]', 2],
      [JSON_TYPE, '[{"number_customergauge":1},{"number_customergauge":2,"date_creation":"2026-02-30"}]', 2],
      [NDJSON, `${good}\n{"number_customergauge":3,"date_creation":"2026-02-29T10:00:00Z"}\n`, 3],
      [CSV, `${csvHeader}\n1,3,ok,2026-02-28\n2,1,"x\u0000y",\n`, 3],
      [CSV, `${csvHeader}\n1,3,ok,\n2,1,"line one\nline two",2026-02-30\n`, 3],
      [CSV, `${csvHeader}\n1,3,ok,\n2,1,ok,2026-04-31T08:00:00+02:00\n`, 3],
      [CSV, `${csvHeader}\n1,3,ok,\n2,1,ok,1900-02-29\n`, 3],
      [CSV, `${csvHeader}\n1,3,ok,\n2,1,ok,2026-01-01T24:00:00Z\n`, 3],
      [CSV, `${csvHeader}\n1,3,ok,\n2,1,"\uFFFF",\n`, 3],
      [CSV, 'number_customergauge,nps,comment,nps\n1,3,ok,9\n', 1],
      [CSV, 'number_customergauge,comment,note,note\n1,ok,a,b\n', 1],
    ])
    // What XML can carry is kept exactly: a surrogate pair, tab, CR, LF; a leap day; an offset.
    const rows = [
      { number_customergauge: 3, nps: 9, comment: 'tab\there\r\nnew line 😀', date_creation: '2024-02-29' },
      { number_customergauge: 4, nps: 9, first_name: 'Zoë', date_creation: '2026-02-28T23:30:00.5+05:30', note: ['é', { 'ключ': '值' }] },
    ]
    assert.deepEqual(await load(JSON.stringify(rows), JSON_TYPE), { imported: 2, updated: 0, opened: 0 })
    const [three, four] = [await getRecord(server, acme.key, 3), await getRecord(server, acme.key, 4)]
    assert.deepEqual([three.comment, three.date_creation], [rows[0]!.comment, '2024-02-29'])
    assert.deepEqual([four.first_name, four.date_creation, four.extra], ['Zoë', '2026-02-28T23:30:00.5+05:30', { note: rows[1]!.note }])
  })

  test(`[${kind.name}] item 12: invalid UTF-8 (an encoded surrogate, a cut sequence) answers 300005, never U+FFFD, and writes nothing`, async () => {
    const { refuse } = await setup(kind)
    const bytes = (...parts: Array<string | number[]>) => Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : Buffer.from(part))))
    await refuse(
      [
        // U+D83D encoded as if it were a character (CESU-8): not UTF-8.
        [NDJSON, bytes('{"number_customergauge":1,"nps":3}\n{"number_customergauge":3,"comment":"', [0xed, 0xa0, 0xbd], '"}\n'), null],
        [CSV, bytes('number_customergauge,comment\n3,caf', [0xc3], '\n'), null],
        [JSON_TYPE, bytes('[{"number_customergauge":3,"comment":"', [0xff, 0xfe], '"}]'), null],
      ],
      300005,
    )
  })

  test(`[${kind.name}] item 12: updated_since naming a day or time that does not exist answers 300001, over HTTP and from the service itself`, async () => {
    const { server, acme } = await setup(kind)
    const tenant = await getTenant(server.ctx, acme.slug)
    const impossible = ['2026-02-30', '2026-02-29T00:00:00Z', '2026-04-31', '2026-13-01', '2026-01-01T24:00:00Z', '2026-01-01T10:00:00+24:00', '1900-02-29']
    for (const value of impossible) {
      const message = await expectApiError(await api(server, acme.key, `/cases?updated_since=${encodeURIComponent(value)}`), 300001)
      assert.match(message, /updated_since/, value)
      // The route's schema is not the only gate: the service refuses it for every caller.
      await assert.rejects(listCases(server.ctx, tenant.id, { updatedSince: value }), (error) => isFirehouseError(error) && error.code === 300001, value)
    }
    // Record 1's case was opened at import, now: a day later it is not "updated since", a day earlier it is.
    const day = 24 * 3600 * 1000
    for (const [since, count] of [[new Date(Date.now() - day).toISOString(), 1], [new Date(Date.now() + day).toISOString(), 0], ['2024-02-29', 1]] as const) {
      const page = await expectJson<{ data: unknown[] }>(await api(server, acme.key, `/cases?updated_since=${encodeURIComponent(since)}`))
      assert.equal(page.data.length, count, since)
      assert.equal((await listCases(server.ctx, tenant.id, { updatedSince: since })).data.length, count, since)
    }
  })

  test(`[${kind.name}] a text field is at most 10,000 characters counted as code points, as v4.1's comment: 10,000 emoji are taken, 10,001 BMP characters refused naming the line`, async () => {
    const { server, acme, refuse, load } = await setup(kind)
    const emoji = '🚒'.repeat(10_000)
    assert.deepEqual(await load(JSON.stringify([{ number_customergauge: 2, nps: 9, comment: emoji, first_name: emoji }]), JSON_TYPE), { imported: 1, updated: 0, opened: 0 })
    assert.equal((await getRecord(server, acme.key, 2)).comment, emoji)
    await refuse([
      [JSON_TYPE, JSON.stringify([{ number_customergauge: 3, nps: 9 }, { number_customergauge: 4, account: 'é'.repeat(10_001) }]), 2],
      [CSV, `number_customergauge,last_name\n3,${'x'.repeat(10_001)}\n`, 2],
    ])
  })

}
