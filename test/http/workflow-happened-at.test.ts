// Back-dating over real HTTP (SPEC §9): happened_at times the case, at and updated_at stay when the
// change was recorded, and a happened_at ahead, behind the case or malformed is 400207 writing nothing.

import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { WorkflowClient } from '../../src/client/index.js'
import { api, expectJson, getCase, getFeed } from '../helpers/api-v1.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { readTenantRows } from '../helpers/raw-tables.js'
import { caller, createTestTenant, expectError, expectOk, form, serverPerFile, uniqueSlug, type WireFormat } from '../helpers/server.js'

const HOUR_MS = 3600 * 1000
const iso = (ms: number): string => new Date(ms).toISOString()

/** `ms` written in local time at `offsetMinutes` from UTC: 2026-11-27T12:00:00+02:00. */
function withOffset(ms: number, offsetMinutes: number): string {
  const local = new Date(ms + offsetMinutes * 60_000).toISOString().slice(0, 19)
  const sign = offsetMinutes < 0 ? '-' : '+'
  const abs = Math.abs(offsetMinutes)
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}

/** `ms` as v7 writes it: YYYY-MM-DD HH:MM:SS, UTC. */
const spaced = (ms: number): string => iso(ms).slice(0, 19).replace('T', ' ')

/** A whole second `hours` before now: the forms without a fraction name it exactly. */
const hoursAgo = (hours: number): number => Math.floor((Date.now() - hours * HOUR_MS) / 1000) * 1000

const serverFor = serverPerFile()

async function setup(kind: TestDatabaseKind) {
  // The real clock: the 60 s rule is checked against the server's own time.
  const server = await serverFor(kind)
  const slug = uniqueSlug()
  const acme = await createTestTenant(server.ctx, { slug, records: [12, 13], users: ['des@acme.test'] })
  const send = caller(server, acme.key)
  const ok = async (fields: Record<string, string | number>, headers: Record<string, string> = {}) =>
    expectOk(await send(form(fields), { headers }), Number(fields.number_customergauge))
  return { server, acme, send, ok }
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] a back-dated case is timed by when its changes happened, on every read surface; at and updated_at are when they were recorded`, async () => {
    const { server, acme, ok } = await setup(kind)
    const opened = hoursAgo(10)
    const sent = [withOffset(opened, 120), spaced(opened + 2 * HOUR_MS), `${iso(opened + 5 * HOUR_MS).slice(0, 19)}.000000Z`]
    const before = Date.now()
    await ok({ number_customergauge: 12, happened_at: sent[0]! })
    await ok({ number_customergauge: 12, status: 'PROGRESS', happened_at: sent[1]! })
    await ok({ number_customergauge: 12, status: 'CLOSED', comment: 'Solved', happened_at: sent[2]! })
    const after = Date.now()

    const view = await getCase(server, acme.key, 12)
    const happened = [opened, opened + 2 * HOUR_MS, opened + 5 * HOUR_MS].map(iso)
    assert.deepEqual([view.opened_at, view.followed_up_at, view.closed_at], happened)
    assert.deepEqual([view.time_to_follow_up_s, view.time_to_close_s], [7200, 18000])
    assert.deepEqual(view.history.map((entry) => entry.happened_at), happened, 'each entry keeps the happened_at sent, in UTC with ms')
    for (const entry of view.history) {
      const at = Date.parse(entry.at)
      assert.ok(at >= before && at <= after, `at ${entry.at} is when the change was recorded`)
      assert.deepEqual(Object.keys(entry).slice(0, 3), ['seq', 'at', 'happened_at'])
    }
    assert.equal(view.updated_at, view.history[2]!.at, 'updated_at is when the latest change was recorded')

    // The feed, updated_since (by recording time), the typed client and the summary agree.
    const feed = await getFeed(server, acme.key, `updated_since=${encodeURIComponent(iso(before))}`)
    assert.deepEqual(feed.data, [view])
    const client = new WorkflowClient({ apiKey: acme.key, baseUrl: server.url })
    const read = await client.getCase(12)
    assert.deepEqual([read.opened_at, read.closed_at, read.time_to_follow_up_s, read.time_to_close_s], [happened[0], happened[2], 7200, 18000])
    assert.deepEqual(read.history.map((entry) => entry.happened_at), happened)
    const summary = await expectJson(await api(server, acme.key, '/metrics/summary'))
    assert.deepEqual(summary, {
      counts: { OPEN: 0, PROGRESS: 0, CLOSED: 1 },
      time_to_follow_up_s: { median: 7200, p90: 7200 },
      time_to_close_s: { median: 18000, p90: 18000 },
    })
  })

  test(`[${kind.name}] happened_at before the latest entry's, over 60 s ahead or malformed is 400207 in JSON and XML, and writes nothing`, async () => {
    const { server, acme, send, ok } = await setup(kind)
    const latest = hoursAgo(1)
    await ok({ number_customergauge: 12, happened_at: iso(latest) })
    const rows = await readTenantRows(server.ctx, acme.slug)
    const ahead = () => iso(Date.now() + 120_000)
    const faults: Array<[number, () => string]> = [
      [12, () => iso(latest - 1)],
      [12, () => spaced(latest - 1000)],
      [12, ahead],
      // A new case too: nothing is created.
      [13, ahead],
      ...['2026-13-01T00:00:00Z', 'yesterday', '2026-11-27', '2026-11-27T10:00:00', '2026-11-27T10:00'].flatMap((text) => [
        [12, () => text] as [number, () => string],
        [13, () => text] as [number, () => string],
      ]),
    ]
    for (const [cgid, happenedAt] of faults) {
      const fields = { number_customergauge: cgid, status: 'CLOSED', comment: 'late', happened_at: happenedAt() }
      const calls: Array<[WireFormat, () => Promise<Response>]> = [
        ['json', () => send(JSON.stringify(fields), { contentType: 'application/json' })],
        ['xml', () => send(form(fields), { format: 'xml' })],
      ]
      for (const [format, call] of calls) {
        const message = await expectError(await call(), 400, 400207, format)
        assert.match(message, /^Invalid happened_at/, `${cgid} ${fields.happened_at} (${format})`)
      }
    }
    assert.deepEqual(await readTenantRows(server.ctx, acme.slug), rows, 'nothing was written')
    assert.equal((await getCase(server, acme.key, 12)).history.length, 1)
    assert.equal((await getCase(server, acme.key, 13)).status, null)
  })

  test(`[${kind.name}] up to 60 s ahead is taken; a write without happened_at then takes the latest entry's, not an earlier now`, async () => {
    const { server, acme, ok, send } = await setup(kind)
    // The server's clock reads no earlier than this one's did: 59 s ahead here is at most 59 s there.
    const soon = iso(Date.now() + 30_000)
    await ok({ number_customergauge: 12, happened_at: soon })
    await ok({ number_customergauge: 12, status: 'PROGRESS' })
    let view = await getCase(server, acme.key, 12)
    assert.deepEqual(view.history.map((entry) => entry.happened_at), [soon, soon])
    assert.ok(Date.parse(view.history[1]!.at) < Date.parse(soon), 'recorded before the time it takes')
    assert.equal(view.followed_up_at, soon)
    assert.equal(view.time_to_follow_up_s, 0)

    await ok({ number_customergauge: 13, status: 'CLOSED', happened_at: iso(Date.now() + 59_000) })
    await ok({ number_customergauge: 12, status: 'CLOSED', happened_at: iso(Date.now() + 59_000) })
    view = await getCase(server, acme.key, 12)
    assert.equal(view.history.length, 3)
    // Equal to the latest entry's is not before it.
    await ok({ number_customergauge: 12, comment: 'same instant', happened_at: view.history[2]!.happened_at })
    await expectError(await send(form({ number_customergauge: 12, happened_at: iso(Date.parse(view.history[2]!.happened_at) - 1) })), 400, 400207, 'json')
  })

  test(`[${kind.name}] Idempotency-Key: another happened_at is another request (300009), the same instant a replay; keys without one hash as before`, async () => {
    const { server, acme, send, ok } = await setup(kind)
    const first = hoursAgo(2)
    const keyed = (happenedAt: string | undefined, key = 'retry-1') =>
      send(form({ number_customergauge: 12, status: 'PROGRESS', comment: 'called', ...(happenedAt && { happened_at: happenedAt }) }), {
        headers: { 'idempotency-key': key },
      })
    await expectOk(await keyed(iso(first)), 12)
    await expectError(await keyed(iso(first + 1000)), 422, 300009, 'json')
    await expectError(await keyed(undefined), 422, 300009, 'json')
    // The same instant, written otherwise, is the same request: replayed, nothing written.
    await expectOk(await keyed(withOffset(first, -330)), 12)
    await expectOk(await keyed(iso(first)), 12)
    assert.equal((await getCase(server, acme.key, 12)).history.length, 1)

    // A call without happened_at hashes exactly as before happened_at existed: stored keys still match.
    await ok({ number_customergauge: 13, status: 'CLOSE' }, { 'idempotency-key': 'plain' })
    const { tenant, idempotencyKeys } = await readTenantRows(server.ctx, acme.slug)
    const legacy = createHash('sha256').update(JSON.stringify([tenant.id, 13, 'CLOSE', '', ''])).digest('hex')
    assert.equal(idempotencyKeys.find((row) => row.key === 'plain')?.request_hash, legacy)
  })
}
