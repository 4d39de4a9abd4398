// If-Match over real HTTP (SPEC §9): every case shows its version, a write based on an older one
// is 409 400206 and writes nothing, even when 20 race; malformed values are 300001; a keyed retry replays.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { getCase, getFeed } from '../helpers/api-v1.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { WIRE_FORMATS, createTestTenant, expectCode, expectError, expectOk, form, post, serverPerFile, uniqueSlug, workflowUrl, type WireFormat } from '../helpers/server.js'

const CONFLICT = 409
const VERSION_CONFLICT = 400206

const serverFor = serverPerFile()

async function setup(kind: TestDatabaseKind) {
  const server = await serverFor(kind)
  const slug = uniqueSlug()
  // 12 is a detractor (a case at version 1 from the import), 13 has no case.
  const acme = await createTestTenant(server.ctx, { slug, records: [12, 13], detractors: [12], users: ['des@acme.test'] })
  /** A v4.1 form call with `If-Match: "<version>"` (a string is sent as it is). */
  const write = (fields: Record<string, string | number>, ifMatch?: number | string, format: WireFormat = 'json', headers: Record<string, string> = {}) =>
    post(workflowUrl(server, format), form(fields), {
      key: acme.key,
      headers: { ...headers, ...(ifMatch === undefined ? {} : { 'if-match': typeof ifMatch === 'number' ? `"${ifMatch}"` : ifMatch }) },
    })
  const versionOf = async (cgid: number) => (await getCase(server, acme.key, cgid)).version
  const entries = async (cgid: number) => (await showCase(server.ctx, slug, cgid)).history
  return { server, acme, write, versionOf, entries }
}

for (const kind of TEST_DATABASES) {
  for (const existing of [true, false]) {
    const which = existing ? 'an existing case' : 'a record without a case'
    test(`[${kind.name}] 20 clients read the version of ${which}, then write at once with If-Match: one 200, 19 × 409 400206, one new entry`, async () => {
      const { server, acme, write, entries } = await setup(kind)
      const cgid = existing ? 12 : 13
      if (existing) assert.equal((await write({ number_customergauge: 12, comment: 'a second entry' })).status, 200)
      // Each client reads the case itself, as a real one would, and bases its write on what it read.
      const read = await Promise.all(Array.from({ length: 20 }, () => getCase(server, acme.key, cgid)))
      const version = existing ? 2 : 0
      assert.deepEqual(new Set(read.map((shown) => shown.version)), new Set([version]))
      const formats = read.map((_, i): WireFormat => (i % 2 === 0 ? 'json' : 'xml'))
      const answers = await Promise.all(
        read.map((shown, i) => write({ number_customergauge: cgid, status: 'PROGRESS', comment: `writer ${i}` }, shown.version, formats[i])),
      )
      const ok: number[] = []
      for (const [i, answer] of answers.entries()) {
        if (answer.status === 200) {
          await expectOk(answer, cgid, formats[i])
          ok.push(i)
        } else {
          assert.match(await expectError(answer, CONFLICT, VERSION_CONFLICT, formats[i]!), /^Case changed since it was read$/)
        }
      }
      assert.equal(ok.length, 1, `${ok.length} writes went through`)
      const history = await entries(cgid)
      assert.equal(history.length, version + 1)
      assert.equal(history.at(-1)!.comment, `writer ${ok[0]}`)
      assert.equal((await getCase(server, acme.key, cgid)).version, version + 1)
    })
  }

  test(`[${kind.name}] a stale If-Match is 409 400206 in the path's format and writes nothing; the current one is 200`, async () => {
    const { write, versionOf, entries } = await setup(kind)
    for (const format of WIRE_FORMATS) {
      // An existing case (on PostgreSQL, its guarded single statement) and a record without a case.
      for (const cgid of [12, 13]) {
        const before = await entries(cgid)
        const version = await versionOf(cgid)
        for (const stale of [version + 1, version + 5, ...(version > 0 ? [version - 1, 0] : [])]) {
          const answer = await write({ number_customergauge: cgid, status: 'CLOSED', comment: 'stale' }, stale, format)
          assert.match(await expectError(answer, CONFLICT, VERSION_CONFLICT, format), /^Case changed since it was read$/)
        }
        assert.deepEqual(await entries(cgid), before, `${format} ${cgid}: written despite a stale If-Match`)
        await expectOk(await write({ number_customergauge: cgid, status: 'CLOSED', comment: `based on ${version}` }, version, format), cgid, format)
        const after = await entries(cgid)
        assert.deepEqual([after.length, after.at(-1)!.comment], [version + 1, `based on ${version}`])
      }
    }
  })

  test(`[${kind.name}] version shows on GET /api/v1/cases/{cgid} and in the feed: 0 without a case, then 1, 2, …`, async () => {
    const { server, acme, write, versionOf } = await setup(kind)
    assert.equal(await versionOf(13), 0)
    assert.equal(await versionOf(12), 1)
    for (const expected of [1, 2, 3]) {
      assert.equal((await write({ number_customergauge: 13, comment: `change ${expected}` })).status, 200)
      const shown = await getCase(server, acme.key, 13)
      assert.deepEqual([shown.version, shown.history.length], [expected, expected])
    }
    const feed = await getFeed(server, acme.key)
    assert.deepEqual(
      feed.data.map((shown) => [shown.number_customergauge, shown.version]),
      [
        [12, 1],
        [13, 3],
      ],
    )
  })

  test(`[${kind.name}] a malformed If-Match answers 300001 naming the header and writes nothing`, async () => {
    const { write, entries } = await setup(kind)
    const malformed = [
      '1', // no quotes
      "'1'",
      'W/"1"', // a weak tag
      'w/"1"',
      '*',
      '"1", "2"', // a list
      '"1","1"',
      '""',
      '" 1"',
      '"1 "',
      '"-1"',
      '"+1"',
      '"1.0"',
      '"1e2"',
      '"0x1"',
      '"abc"',
      '"01"', // as an entity tag never equal to "1"
      '"1',
      '1"',
      '"9007199254740992"', // 2^53: no version reaches it
      '"12345678901234567"',
      `"${'1'.repeat(1000)}"`,
      '"¹"', // a superscript one (Latin-1)
    ]
    for (const format of WIRE_FORMATS) {
      for (const cgid of [12, 13]) {
        for (const value of malformed) {
          const answer = await write({ number_customergauge: cgid, status: 'CLOSED' }, value, format)
          assert.match(await expectCode(answer, 300001, format), /If-Match/, `${format} ${value}`)
        }
      }
    }
    assert.equal((await entries(12)).length, 1)
    assert.deepEqual(await entries(13), [])
  })

  test(`[${kind.name}] an empty If-Match is 300001; the message names the fault (*, W/, a list)`, async () => {
    const { write } = await setup(kind)
    assert.match(await expectCode(await write({ number_customergauge: 12 }, ''), 300001), /If-Match is not a version/)
    assert.match(await expectCode(await write({ number_customergauge: 12 }, '*'), 300001), /If-Match \* is not taken/)
    assert.match(await expectCode(await write({ number_customergauge: 12 }, 'W/"1"'), 300001), /If-Match takes no weak entity tag/)
    assert.match(await expectCode(await write({ number_customergauge: 12 }, '"1", "1"'), 300001), /If-Match takes one version, not a list/)
  })

  test(`[${kind.name}] Idempotency-Key + If-Match: the retry of a call that succeeded replays 200, though the version moved`, async () => {
    const { write, versionOf, entries } = await setup(kind)
    const fields = { number_customergauge: 12, status: 'PROGRESS', comment: 'once' }
    for (const format of WIRE_FORMATS) {
      const key = { 'idempotency-key': `retry-${format}` }
      const version = await versionOf(12)
      await expectOk(await write(fields, version, format, key), 12, format)
      assert.equal(await versionOf(12), version + 1)
      // The retry (its answer was lost), in either format: a replay, nothing written.
      await expectOk(await write(fields, version, 'json', key), 12, 'json')
      await expectOk(await write(fields, version, 'xml', key), 12, 'xml')
      assert.equal((await entries(12)).length, version + 1)
      // Another key with the same stale version is a new call: refused.
      await expectError(await write(fields, version, format, { 'idempotency-key': `other-${format}` }), CONFLICT, VERSION_CONFLICT, format)
      // A refused call is not kept: its retry is checked again (still stale), then goes through once current.
      await expectError(await write(fields, version, format, { 'idempotency-key': `other-${format}` }), CONFLICT, VERSION_CONFLICT, format)
      await expectOk(await write(fields, version + 1, format, { 'idempotency-key': `other-${format}` }), 12, format)
      assert.equal((await entries(12)).length, version + 2)
    }
  })
}
