// GET /api/v1/cases/{cgid} (the SPEC §4 shape) and GET /api/v1/cases (the sync feed) over real HTTP.

import assert from 'node:assert/strict'
import { createHash, createHmac } from 'node:crypto'
import { test, type TestContext } from 'node:test'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { api, expectApiError, getCase, getFeed, readToEnd } from '../helpers/api-v1.js'
import { caller, createTestTenant, expectOk, form, startTestServer, type TenantFixture } from '../helpers/server.js'

const T0 = Date.parse('2026-11-27T10:00:00.000Z')
/** The instant `second` seconds after 10:00, as the API shows it. */
const at = (second: number): string => new Date(T0 + second * 1000).toISOString()

/** The keys SPEC §4 promises on every case a read surface shows. */
const SPEC_CASE_KEYS = [
  'number_customergauge',
  'status',
  'status_code',
  'status_label',
  'assigned_to',
  'opened_at',
  'followed_up_at',
  'closed_at',
  'updated_at',
  'history',
]

const USERS = ['des@acme.test', 'Ann@Acme.test']

/** Tenant acme (the fixture's records, users des and Ann) on a clock the test sets per call. */
async function setup(kind: TestDatabaseKind, t: TestContext, fixture: Omit<TenantFixture, 'slug'> = {}) {
  let clock = new Date(at(0))
  const server = await startTestServer(kind, { now: () => clock })
  t.after(server.close)
  const acme = await createTestTenant(server.ctx, { slug: 'acme', users: USERS, ...fixture })
  const send = caller(server, acme.key)
  /** A v4.1 update of `cgid` at `second`. */
  const update = async (second: number, cgid: number, fields: Record<string, string> = {}) => {
    clock = new Date(at(second))
    await expectOk(await send(form({ number_customergauge: cgid, ...fields })), cgid)
  }
  return { server, acme, update }
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i)
const cgidsOf = (cases: ReadonlyArray<{ number_customergauge: number }>): number[] => cases.map((c) => c.number_customergauge)

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] GET /api/v1/cases/{cgid} shows the SPEC §4 case: every key, history oldest first from seq 1, timings consistent`, async (t) => {
    const { server, acme, update } = await setup(kind, t, { records: [12] })
    await update(0, 12, { assigned_to: 'ann@acme.test', comment: 'called the customer' })
    await update(300, 12, { status: 'in-progress' })
    await update(3600, 12, { status: ' close ', comment: 'Solved the issue' })
    const view = await getCase(server, acme.key, 12)
    for (const key of SPEC_CASE_KEYS) assert.ok(key in view, `missing ${key}`)
    const actor = `key:${acme.keyId}`
    const ann = 'Ann@Acme.test'
    const entry = (seq: number, second: number, from: string | null, to: string, assignedFrom: string | null, comment: string | null) => ({
      seq,
      at: at(second),
      happened_at: at(second),
      actor,
      status_from: from,
      status_to: to,
      status_label_from: from,
      status_label_to: to,
      assigned_from: assignedFrom,
      assigned_to: ann,
      comment,
    })
    assert.deepEqual(view, {
      number_customergauge: 12,
      status: 'CLOSED',
      status_code: null,
      status_label: 'CLOSED',
      assigned_to: ann,
      opened_at: at(0),
      followed_up_at: at(300),
      closed_at: at(3600),
      updated_at: at(3600),
      time_to_follow_up_s: 300,
      time_to_close_s: 3600,
      version: 3,
      history: [
        entry(1, 0, null, 'OPEN', null, 'called the customer'),
        entry(2, 300, 'OPEN', 'PROGRESS', ann, null),
        entry(3, 3600, 'PROGRESS', 'CLOSED', ann, 'Solved the issue'),
      ],
    })
    // Re-opening clears both times, and the derived durations with them.
    await update(4000, 12, { status: 'OPEN' })
    const reopened = await getCase(server, acme.key, 12)
    assert.deepEqual(
      [reopened.opened_at, reopened.followed_up_at, reopened.closed_at, reopened.time_to_follow_up_s, reopened.time_to_close_s],
      [at(0), null, null, null, null],
    )
    assert.deepEqual(reopened.history.map((e) => e.seq), [1, 2, 3, 4])
  })

  test(`[${kind.name}] a record without a case answers 200 with status null and an empty history`, async (t) => {
    const { server, acme } = await setup(kind, t, { records: [13] })
    assert.deepEqual(await getCase(server, acme.key, 13), {
      number_customergauge: 13,
      status: null,
      status_code: null,
      status_label: null,
      assigned_to: null,
      opened_at: null,
      followed_up_at: null,
      closed_at: null,
      updated_at: null,
      time_to_follow_up_s: null,
      time_to_close_s: null,
      version: 0,
      history: [],
    })
  })

  test(`[${kind.name}] an unknown record answers 404 400200; a CG-ID that is not an integer in 1…2^53−1 answers 400 300001`, async (t) => {
    const { server, acme } = await setup(kind, t, { records: [12] })
    assert.match(await expectApiError(await api(server, acme.key, '/cases/99'), 400200), /not found/i)
    for (const cgid of ['abc', '0', '1.5', '-1', '1e3', '9007199254740992', '%20', '1'.repeat(30)]) {
      assert.match(await expectApiError(await api(server, acme.key, `/cases/${cgid}`), 300001), /argument/i, cgid)
    }
  })

  test(`[${kind.name}] the feed answers {data, next_cursor, end_of_stream}, 100 cases a page by default, each as GET /cases/{cgid} shows it`, async (t) => {
    const cgids = range(1, 101)
    const { server, acme } = await setup(kind, t, { records: cgids, detractors: cgids })
    const first = await getFeed(server, acme.key)
    assert.deepEqual(Object.keys(first).sort(), ['data', 'end_of_stream', 'next_cursor'])
    assert.equal(first.data.length, 100)
    assert.equal(first.end_of_stream, false)
    assert.equal(typeof first.next_cursor, 'string')
    assert.deepEqual(first.data[0], await getCase(server, acme.key, first.data[0]!.number_customergauge))
    const second = await getFeed(server, acme.key, `cursor=${encodeURIComponent(first.next_cursor)}`)
    assert.deepEqual([second.data.length, second.end_of_stream], [1, true])
    // Auto-opened at import, in the import's order: the feed is change order.
    assert.deepEqual(cgidsOf([...first.data, ...second.data]), cgids)
    assert.deepEqual(cgidsOf((await getFeed(server, acme.key, 'per_page=1000')).data), cgids)
    const one = await getFeed(server, acme.key, 'per_page=1')
    assert.deepEqual([cgidsOf(one.data), one.end_of_stream], [[1], false])
  })

  test(`[${kind.name}] per_page outside 1–1000, not an integer or given twice answers 300001 (never clamped)`, async (t) => {
    const { server, acme } = await setup(kind, t, { records: [1], detractors: [1] })
    for (const query of ['per_page=0', 'per_page=1001', 'per_page=abc', 'per_page=-1', 'per_page=1.5', 'per_page=', 'per_page=5&per_page=6']) {
      assert.match(await expectApiError(await api(server, acme.key, `/cases?${query}`), 300001), /per_page/, query)
    }
  })

  test(`[${kind.name}] the feed filters by status (with the v4.1 aliases), assignee (case-insensitive) and updated_since; bad values answer 300001`, async (t) => {
    const { server, acme, update } = await setup(kind, t, { records: range(1, 6) })
    await update(0, 1, { assigned_to: 'ann@acme.test' })
    await update(100, 2, { status: 'PROGRESS', assigned_to: 'des@acme.test' })
    await update(200, 3, { status: 'CLOSED', assigned_to: 'ANN@acme.test' })
    await update(300, 4, { status: 'in-progress' })
    await update(400, 5, { status: 'close' })
    const feed = async (query: string) => cgidsOf((await getFeed(server, acme.key, query)).data)
    const expected: Array<[string, number[]]> = [
      ['', [1, 2, 3, 4, 5]],
      ['status=OPEN', [1]],
      ['status=open', [1]],
      ['status=PROGRESS', [2, 4]],
      ['status=IN-PROGRESS', [2, 4]],
      ['status=in-progress', [2, 4]],
      ['status=CLOSED', [3, 5]],
      ['status=close', [3, 5]],
      ['status=%20Closed%20', [3, 5]],
      ['assigned_to=ann@acme.test', [1, 3]],
      ['assigned_to=ANN@ACME.TEST', [1, 3]],
      ['assigned_to=nobody@acme.test', []],
      ['status=CLOSED&assigned_to=Ann@Acme.test', [3]],
      [`updated_since=${encodeURIComponent(at(200))}`, [3, 4, 5]],
      [`updated_since=${encodeURIComponent('2026-11-27T11:05:00+01:00')}`, [4, 5]],
      ['updated_since=2026-11-27', [1, 2, 3, 4, 5]],
      ['updated_since=2026-11-28', []],
    ]
    for (const [query, cgids] of expected) assert.deepEqual(await feed(query), cgids, query)
    for (const query of ['status=DONE', 'status=7', 'updated_since=yesterday', 'updated_since=2026-13-45', 'updated_since=1700000000']) {
      await expectApiError(await api(server, acme.key, `/cases?${query}`), 300001)
    }
  })

  test(`[${kind.name}] a cursor of other filters, a mangled or foreign cursor and an unknown query parameter answer 300001`, async (t) => {
    const { server, acme } = await setup(kind, t, { records: range(1, 4), detractors: range(1, 4) })
    const { next_cursor: cursor } = await getFeed(server, acme.key, 'status=OPEN&per_page=2')
    const withCursor = (query: string, value = cursor) => api(server, acme.key, `/cases?${query}cursor=${encodeURIComponent(value)}`)
    // The same filters (spelt differently) take it.
    assert.deepEqual(cgidsOf((await getFeed(server, acme.key, `status=open&per_page=3&cursor=${encodeURIComponent(cursor)}`)).data), [3, 4])
    for (const query of ['', 'status=CLOSED&', 'status=OPEN&assigned_to=des@acme.test&', 'status=OPEN&updated_since=2026-11-27&']) {
      assert.match(await expectApiError(await withCursor(query), 300001), /cursor/, query)
    }
    const middle = Math.floor(cursor.length / 2)
    const flipped = `${cursor.slice(0, middle)}${cursor[middle] === 'A' ? 'B' : 'A'}${cursor.slice(middle + 1)}`
    for (const bad of [flipped, `${cursor}x`, `${cursor}.x`, 'abc', '', 'c1..', 'x'.repeat(600)]) {
      assert.match(await expectApiError(await withCursor('status=OPEN&', bad), 300001), /argument/i, bad)
    }
    for (const path of ['/cases?update_since=2026-11-27', '/cases?page=2', '/cases?per_page=2&perPage=2', '/cases/1?x=1']) {
      assert.match(await expectApiError(await api(server, acme.key, path), 300001), /unknown query parameter/, path)
    }
  })

  test(`[${kind.name}] a cursor is signed with the installation's secret: a forged one is 300001, another node of the same database takes it, another installation does not`, async (t) => {
    const { server, acme } = await setup(kind, t, { records: range(1, 4), detractors: range(1, 4) })
    const { next_cursor: cursor } = await getFeed(server, acme.key, 'per_page=2')
    const [version, payload, signature] = cursor.split('.') as [string, string, string]
    const decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { s: number; f: string }
    // Moved back to the start, the signature kept: a caller cannot choose where its sync resumes.
    const forged = [version, Buffer.from(JSON.stringify({ ...decoded, s: 0 })).toString('base64url'), signature].join('.')
    // The old unsigned form, whose checksum anyone could compute, is not taken either.
    const c1Payload = Buffer.from(JSON.stringify(decoded)).toString('base64url')
    const c1 = `c1.${c1Payload}.${createHash('sha256').update(`c1.${c1Payload}`).digest('base64url').slice(0, 16)}`
    for (const bad of [forged, c1]) {
      assert.match(await expectApiError(await api(server, acme.key, `/cases?per_page=2&cursor=${encodeURIComponent(bad)}`), 300001), /cursor/, bad)
    }
    // Signed with the database's secret (over the version, the tenant and the payload), a cursor of
    // our own making is taken; signed with any other key it is not.
    const db = server.ctx.store.db
    const { secret } = await db.selectFrom('server_secrets').select('secret').where('name', '=', 'feed_cursor').executeTakeFirstOrThrow()
    const { id: tenantId } = await db.selectFrom('tenants').select('id').where('slug', '=', 'acme').executeTakeFirstOrThrow()
    const restart = Buffer.from(JSON.stringify({ ...decoded, s: 0 })).toString('base64url')
    const signedWith = (key: Buffer) => `c2.${restart}.${createHmac('sha256', key).update(`c2\0${tenantId}\0${restart}`).digest().subarray(0, 16).toString('base64url')}`
    assert.deepEqual(cgidsOf((await getFeed(server, acme.key, `per_page=2&cursor=${encodeURIComponent(signedWith(Buffer.from(secret, 'base64url')))}`)).data), [1, 2])
    assert.equal(Buffer.from(secret, 'base64url').length, 32)
    await expectApiError(await api(server, acme.key, `/cases?per_page=2&cursor=${encodeURIComponent(signedWith(Buffer.alloc(32)))}`), 300001)
    // A second node on the same database resumes from the first one's cursor.
    const sibling = await startTestServer(kind, { database: server.database })
    t.after(sibling.close)
    assert.deepEqual(cgidsOf((await getFeed(sibling, acme.key, `per_page=2&cursor=${encodeURIComponent(cursor)}`)).data), [3, 4])
    // Another installation (its own database and secret), with a tenant of the same name, refuses it.
    const other = await startTestServer(kind)
    t.after(other.close)
    const otherAcme = await createTestTenant(other.ctx, { slug: 'acme', records: range(1, 4), detractors: range(1, 4) })
    assert.match(await expectApiError(await api(other, otherAcme.key, `/cases?per_page=2&cursor=${encodeURIComponent(cursor)}`), 300001), /cursor/)
  })

  test(`[${kind.name}] paging to the end sets end_of_stream; resuming later from the last next_cursor yields only the later changes`, async (t) => {
    const cgids = range(1, 10)
    const { server, acme, update } = await setup(kind, t, { records: [...cgids, 11], detractors: cgids })
    const { pages, cursor } = await readToEnd(server, acme.key, { perPage: 3 })
    assert.deepEqual(pages.map((page) => [page.data.length, page.end_of_stream]), [[3, false], [3, false], [3, false], [1, true]])
    assert.deepEqual(cgidsOf(pages.flatMap((page) => page.data)), cgids)
    // Caught up: nothing new, the cursor stays where it was.
    const idle = await getFeed(server, acme.key, `per_page=3&cursor=${encodeURIComponent(cursor)}`)
    assert.deepEqual([idle.data, idle.end_of_stream, idle.next_cursor], [[], true, cursor])
    await update(100, 4, { comment: 'one' })
    await update(200, 7, { status: 'CLOSED' })
    await update(300, 11)
    await update(400, 4, { comment: 'two' })
    const later = await readToEnd(server, acme.key, { perPage: 3, cursor })
    const changed = later.pages.flatMap((page) => page.data)
    assert.deepEqual(cgidsOf(changed), [7, 11, 4])
    assert.deepEqual(changed[2], await getCase(server, acme.key, 4))
    assert.deepEqual(changed[2]!.history.map((e) => e.comment), [null, 'one', 'two'])
  })

  test(`[${kind.name}] a case changed after a page showed it appears again further on, in its new state`, async (t) => {
    const cgids = range(1, 10)
    const { server, acme, update } = await setup(kind, t, { records: cgids, detractors: cgids })
    const first = await getFeed(server, acme.key, 'per_page=3')
    assert.deepEqual(cgidsOf(first.data), [1, 2, 3])
    await update(100, 2, { status: 'PROGRESS', comment: 'while paging' })
    const rest = await readToEnd(server, acme.key, { perPage: 3, cursor: first.next_cursor })
    const seen = rest.pages.flatMap((page) => page.data)
    assert.deepEqual(cgidsOf(seen), [...range(4, 10), 2])
    assert.equal(seen.at(-1)!.status, 'PROGRESS')
    assert.equal(seen.at(-1)!.history.at(-1)!.comment, 'while paging')
  })
}
