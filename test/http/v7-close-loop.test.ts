// PUT /v7/rest/close-loop/status (SPEC §10) over real HTTP on both databases: every pair of statuses with a
// note and happened_at, the workflow rules (§9), the same case and history as v4.1 gives, and every error
// with its code and REST status, writing nothing.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createApiKey } from '../../src/service/api-keys.js'
import type { CaseJson } from '../../src/service/case-view.js'
import { setStatusesFromFile } from '../../src/service/statuses.js'
import { api, expectApiError, expectJson, getCase } from '../helpers/api-v1.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { createTestTenant, expectOk, form, post, serverPerFile, startTestServer, uniqueSlug, workflowUrl } from '../helpers/server.js'
import { putOk, putStatus } from '../helpers/v7.js'

const STATUSES = ['open', 'progress', 'closed'] as const
type Status = (typeof STATUSES)[number]
const PHASE: Record<Status, string> = { open: 'OPEN', progress: 'PROGRESS', closed: 'CLOSED' }
const NOW = '2026-11-27T12:00:00.000Z'

const serverFor = serverPerFile({ now: () => new Date(NOW) })

async function setup(kind: TestDatabaseKind, records: number[] = [12, 13, 14]) {
  const server = await serverFor(kind)
  const acme = await createTestTenant(server.ctx, { slug: uniqueSlug(), records })
  return { server, acme }
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] v7 PUT from each of open, progress and closed to each, with a note and happened_at: the item and the history`, async () => {
    const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => ({ from, to })))
    const { server, acme } = await setup(kind, pairs.map((_, i) => 100 + i))
    for (const [i, { from, to }] of pairs.entries()) {
      const cgid = 100 + i
      const first = await putOk(server, acme.key, { number_customergauge: cgid, status: from, note: `first ${from}`, happened_at: '2026-11-27 09:00:00' })
      assert.equal(first.status, from)
      const item = await putOk(server, acme.key, { number_customergauge: String(cgid), status: to, note: `then ${to} ✓`, happened_at: '2026-11-27 10:30:00' })
      // Opened at 09:00; a phase entered at 10:30 is 1 h 30 min later: 1 whole hour.
      const followUp = to === 'open' ? null : from === 'open' ? 1 : 0
      const close = to !== 'closed' ? null : from === 'closed' ? 0 : 1
      assert.deepEqual(
        item,
        { number_customergauge: cgid, status: to, note: `then ${to} ✓`, assigned_to: null, updated_at: '2026-11-27 12:00:00', time_to_follow_up: followUp, time_to_close: close },
        `${from} → ${to}`,
      )
      const view = await getCase(server, acme.key, cgid)
      assert.equal(view.status, PHASE[to])
      assert.equal(view.version, 2)
      const entry = view.history[1]!
      assert.deepEqual(
        [entry.status_from, entry.status_to, entry.comment, entry.happened_at, entry.actor],
        [PHASE[from], PHASE[to], `then ${to} ✓`, '2026-11-27T10:30:00.000Z', `key:${acme.keyId}`],
      )
    }
  })

  test(`[${kind.name}] v7 PUT obeys the workflow rules: 400205 and 400204 with HTTP 400, nothing written; allowed changes pass`, async () => {
    const { server, acme } = await setup(kind)
    const admin = (await createApiKey(server.ctx, acme.slug, 'admin', { admin: true })).key
    const setRules = async (rules: object) =>
      expectJson(await api(server, admin, '/settings/workflow', { method: 'PUT', body: JSON.stringify(rules), contentType: 'application/json' }))
    await setRules({ progressive: true })
    // A new case counts as coming from OPEN: it may not be created closed.
    const refused = await expectApiError(await putStatus(server, acme.key, { number_customergauge: 12, status: 'closed', note: 'skip' }), 400205)
    assert.match(refused, /OPEN → CLOSED/)
    assert.equal((await getCase(server, acme.key, 12)).version, 0)
    await putOk(server, acme.key, { number_customergauge: 12, status: 'open' })
    await expectApiError(await putStatus(server, acme.key, { number_customergauge: 12, status: 'closed' }), 400205)
    await putOk(server, acme.key, { number_customergauge: 12, status: 'progress' })
    await putOk(server, acme.key, { number_customergauge: 12, status: 'closed' })
    assert.equal((await getCase(server, acme.key, 12)).version, 3)

    await setRules({ progressive: false, comment_on_status_change: true })
    await expectApiError(await putStatus(server, acme.key, { number_customergauge: 12, status: 'open' }), 400204)
    await expectApiError(await putStatus(server, acme.key, { number_customergauge: 12, status: 'open', note: '' }), 400204)
    assert.equal((await getCase(server, acme.key, 12)).version, 3)
    // The same status is no status change: no note needed.
    await putOk(server, acme.key, { number_customergauge: 12, status: 'closed' })
    const item = await putOk(server, acme.key, { number_customergauge: 12, status: 'open', note: 'Reopened: the customer wrote again' })
    assert.equal(item.status, 'open')
    assert.equal((await getCase(server, acme.key, 12)).version, 5)
  })

  test(`[${kind.name}] the same changes through v4.1 and v7 give the same case and history`, async () => {
    const server = await serverFor(kind)
    const v41 = await createTestTenant(server.ctx, { slug: uniqueSlug('by-v41'), records: [12] })
    const v7 = await createTestTenant(server.ctx, { slug: uniqueSlug('by-v7'), records: [12] })
    const changes: Array<{ status: Status; note?: string; happened_at?: string }> = [
      { status: 'progress', note: 'Called the customer', happened_at: '2026-11-27 09:00:00' },
      { status: 'progress' },
      { status: 'closed', note: 'Solved, 🚒', happened_at: '2026-11-27 12:00:30' },
      { status: 'open', note: 'Reopened' },
    ]
    for (const change of changes) {
      const fields: Record<string, string | number> = { number_customergauge: 12, status: change.status.toUpperCase() }
      if (change.note) fields.comment = change.note
      if (change.happened_at) fields.happened_at = change.happened_at
      await expectOk(await post(workflowUrl(server), form(fields), { key: v41.key }), 12)
      await putOk(server, v7.key, { number_customergauge: 12, ...change })
    }
    const strip = (view: CaseJson) => ({ ...view, history: view.history.map(({ actor: _actor, ...entry }) => entry) })
    const viaV41 = await getCase(server, v41.key, 12)
    const viaV7 = await getCase(server, v7.key, 12)
    assert.deepEqual(strip(viaV7), strip(viaV41))
    assert.equal(viaV7.history.length, 4)
    // Without happened_at: the later of now and the latest entry's.
    assert.equal(viaV7.history[3]!.happened_at, '2026-11-27T12:00:30.000Z')
  })

  test(`[${kind.name}] v7 PUT maps its phase to the tenant's base status of that phase; an extended label is refused (400011)`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12], extendedStatuses: true })
    await setStatusesFromFile(server.ctx, 'acme', 'code,label,phase\n5,New,OPEN\n3,Triage,OPEN\n21,Waiting on customer,PROGRESS\n20,Working,PROGRESS\n', 'csv')
    await putOk(server, acme.key, { number_customergauge: 12, status: 'progress' })
    let view = await getCase(server, acme.key, 12)
    assert.deepEqual([view.status, view.status_code, view.status_label], ['PROGRESS', 20, 'Working'])
    await putOk(server, acme.key, { number_customergauge: 12, status: 'open' })
    view = await getCase(server, acme.key, 12)
    assert.deepEqual([view.status, view.status_code, view.status_label], ['OPEN', 3, 'Triage'])
    // No CLOSED code in the set: the case takes the phase itself.
    await putOk(server, acme.key, { number_customergauge: 12, status: 'closed' })
    view = await getCase(server, acme.key, 12)
    assert.deepEqual([view.status, view.status_code, view.status_label], ['CLOSED', null, 'CLOSED'])
    for (const status of ['Working', 'working', '20', 'PROGRESS', 'in-progress', ' open']) {
      await expectApiError(await putStatus(server, acme.key, { number_customergauge: 12, status }), 400011)
    }
    assert.equal((await getCase(server, acme.key, 12)).version, 3)
  })

  test(`[${kind.name}] v7 PUT errors: their codes and REST statuses, nothing written`, async () => {
    const { server, acme } = await setup(kind)
    await putOk(server, acme.key, { number_customergauge: 13, status: 'progress', note: 'kept' })
    const before = await getCase(server, acme.key, 13)
    const expectRefused = async (code: number, body: unknown, options?: Parameters<typeof putStatus>[3]) => {
      const message = await expectApiError(await putStatus(server, acme.key, body, options), code)
      return message
    }
    await expectRefused(400200, { number_customergauge: 99, status: 'open' })
    await expectRefused(300005, '{"number_customergauge": 13,')
    await expectRefused(300005, '[{"number_customergauge": 13, "status": "open"}]')
    await expectRefused(300005, '\xff')
    assert.match(await expectRefused(300001, { number_customergauge: 13, status: 'open', comment: 'v4.1 word' }), /unknown field "comment"/)
    assert.match(await expectRefused(300001, '{"number_customergauge": 13, "status": "open", "status": "closed"}'), /status is given more than once/)
    for (const cgid of ['abc', 0, -1, 1.5, '0x10', 9007199254740992, true]) {
      assert.match(await expectRefused(300001, { number_customergauge: cgid, status: 'open' }), /number_customergauge/)
    }
    await expectRefused(300001, '{"number_customergauge": 1e1, "status": "open"}')
    await expectRefused(300004, { status: 'open' })
    await expectRefused(300004, { number_customergauge: 13 })
    await expectRefused(300004, { number_customergauge: 13, status: null })
    await expectRefused(300001, { number_customergauge: 13, status: 1 })
    await expectRefused(400011, { number_customergauge: 13, status: 'CLOSED' })
    await expectRefused(400011, { number_customergauge: 13, status: 'done' })
    await expectRefused(300001, { number_customergauge: 13, status: 'open', note: 5 })
    await expectRefused(400202, { number_customergauge: 13, status: 'open', note: 'x'.repeat(10_001) })
    await expectRefused(400203, { number_customergauge: 13, status: 'open', note: 'a\u0001b' })
    for (const happenedAt of ['yesterday', '2026-11-27', '2026-11-27T10:00:00', '2026-02-30 10:00:00', '2026-11-27 24:00:00', 5]) {
      const code = typeof happenedAt === 'number' ? 300001 : 400207
      await expectRefused(code, { number_customergauge: 13, status: 'open', happened_at: happenedAt })
    }
    // In the future (more than 60 s), and before the case's latest entry: checked at the write.
    await expectRefused(400207, { number_customergauge: 13, status: 'open', happened_at: '2026-11-27 12:01:01' })
    await expectRefused(400207, { number_customergauge: 13, status: 'open', happened_at: '2026-11-27 11:59:59' })
    await expectRefused(300001, { number_customergauge: 13, status: 'open' }, { headers: { 'if-match': 'W/"1"' } })
    await expectRefused(300001, { number_customergauge: 13, status: 'open' }, { headers: { 'idempotency-key': 'has space' } })
    await expectApiError(await putStatus(server, acme.key, { number_customergauge: 13, status: 'open' }, { headers: { 'if-match': '"0"' } }), 400206)
    await expectApiError(await putStatus(server, acme.key, { number_customergauge: 13, status: 'open' }, { contentType: 'text/plain' }), 300007)
    await expectApiError(await putStatus(server, acme.key, { number_customergauge: 13, status: 'open' }, { contentType: 'application/x-www-form-urlencoded' }), 300007)
    await expectApiError(await putStatus(server, acme.key, { number_customergauge: 13, status: 'open', note: 'x'.repeat(70 * 1024) }), 300006)
    const fields = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`f${i}`, i]))
    await expectRefused(300000, { number_customergauge: 13, status: 'open', ...fields })
    const withQuery = await fetch(`${server.url}/v7/rest/close-loop/status?status=open`, {
      method: 'PUT',
      headers: { authorization: `api_key ${acme.key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ number_customergauge: 13, status: 'open' }),
    })
    await expectApiError(withQuery, 300001)
    await expectApiError(await putStatus(server, undefined, { number_customergauge: 13, status: 'open' }), 200000)
    await expectApiError(await putStatus(server, 'fh_unknown', { number_customergauge: 13, status: 'open' }), 200000)
    const post = await fetch(`${server.url}/v7/rest/close-loop/status`, { method: 'POST', headers: { authorization: `api_key ${acme.key}` } })
    assert.equal(post.status, 405)
    assert.deepEqual(await getCase(server, acme.key, 13), before)
    assert.equal((await getCase(server, acme.key, 14)).version, 0)
  })

  test(`[${kind.name}] v7 PUT takes Idempotency-Key and If-Match as v4.1 does`, async () => {
    const { server, acme } = await setup(kind)
    const headers = { 'idempotency-key': 'close-12' }
    const first = await putOk(server, acme.key, { number_customergauge: 12, status: 'progress', note: 'once' }, headers)
    const replay = await putOk(server, acme.key, { number_customergauge: 12, status: 'progress', note: 'once' }, headers)
    assert.deepEqual(replay, first)
    assert.equal((await getCase(server, acme.key, 12)).version, 1)
    await expectApiError(await putStatus(server, acme.key, { number_customergauge: 12, status: 'closed', note: 'once' }, { headers }), 300009)
    await putOk(server, acme.key, { number_customergauge: 12, status: 'closed' }, { 'if-match': '"1"' })
    await expectApiError(await putStatus(server, acme.key, { number_customergauge: 12, status: 'open' }, { headers: { 'if-match': '"1"' } }), 400206)
    assert.equal((await getCase(server, acme.key, 12)).version, 2)
  })
}
