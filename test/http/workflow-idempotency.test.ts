// Idempotency-Key over real HTTP: replays (byte-identical, in the retry's format), 300009, 300010,
// per-tenant keys, errors not kept, and the 24 h window.

import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { test } from 'node:test'
import pg from 'pg'
import { showCase } from '../../src/service/case-view.js'
import { addUser } from '../../src/service/users.js'
import { openAcceptedConnections, postBytes } from '../helpers/accepted-connections.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import {
  WIRE_FORMATS,
  createTestTenant,
  expectError,
  expectOk,
  form,
  post,
  readAnswer,
  serverPerFile,
  uniqueSlug,
  workflowUrl,
  type TestServer,
} from '../helpers/server.js'

const T0 = Date.parse('2026-11-27T10:00:00.000Z')

/** The services' clock: each test sets it back to T0 in setup (the file's tests run one at a time). */
let clock = new Date(T0)
const serverFor = serverPerFile({ now: () => clock })

/** Tenant acme-<n> (records 12 and 13, user des) on the file's server, the clock at T0. */
async function setup(kind: TestDatabaseKind) {
  clock = new Date(T0)
  const server = await serverFor(kind)
  const slug = uniqueSlug()
  const acme = await createTestTenant(server.ctx, {
    slug,
    records: [12, 13],
    users: ['des@acme.test'],
  })
  const keyed = (
    idempotencyKey: string,
    body: string,
    format: 'json' | 'xml' = 'json',
    contentType?: string,
  ) =>
    post(workflowUrl(server, format), body, {
      key: acme.key,
      contentType,
      headers: { 'idempotency-key': idempotencyKey },
    })
  const entries = async (cgid = 12) => (await showCase(server.ctx, slug, cgid)).history
  const setClock = (ms: number) => void (clock = new Date(ms))
  return { server, acme, keyed, entries, setClock }
}

const request = {
  number_customergauge: 12,
  status: 'CLOSED',
  comment: 'Solved',
  assigned_to: 'des@acme.test',
}

/** Sends two keyed requests so that one is still in flight when its twin arrives: [the 200, the twin]. */
type SendTwins = (server: TestServer, slug: string, twins: [Uint8Array, Uint8Array]) => Promise<[Response, Response]>

const SEND_TWINS: Record<string, SendTwins> = {
  /**
   * SQLite's writes are synchronous in the server's thread: a lock held elsewhere would stop the
   * whole server, twin included. Both requests are written in one synchronous step, before the
   * server runs again, so it reads both in one turn; the first one's write waits for the group
   * commit that follows the turn.
   * Which of the two the server takes first is its choice: the answers come back 200 first.
   */
  sqlite: async (server, _slug, twins) => {
    const connections = await openAcceptedConnections(server, 2)
    const answers = await Promise.all(twins.map((twin, i) => connections[i]!.send(twin)))
    return answers.sort((a, b) => a.status - b.status) as [Response, Response]
  },
  /**
   * The tenant's row is locked from a side connection: the first request waits for it inside its
   * transaction (its first write bumps the tenant's sequence) while its twin is sent and answered.
   */
  postgres: async (server, slug, [first, twin]) => {
    const side = new pg.Client({ connectionString: server.database.url })
    await side.connect()
    try {
      await side.query('begin')
      await side.query('select id from tenants where slug = $1 for update', [slug])
      const [firstConnection, twinConnection] = await openAcceptedConnections(server, 2)
      let answered = false
      const firstAnswer = firstConnection!.send(first).finally(() => (answered = true))
      await waitForLockWaiter(side, () => answered)
      const twinAnswer = await twinConnection!.send(twin)
      await side.query('rollback')
      return [await firstAnswer, twinAnswer]
    } finally {
      await side.end()
    }
  },
}

/** Returns once one of the server's connections waits for a lock (the side connection's), or the first answered. */
async function waitForLockWaiter(side: pg.Client, answered: () => boolean): Promise<void> {
  const waiting = `select count(*)::int as n from pg_stat_activity
    where datname = current_database() and wait_event_type = 'Lock'`
  while (!answered() && (await side.query<{ n: number }>(waiting)).rows[0]!.n === 0) await sleep(10)
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] the same key and request replays the byte-identical answer and writes one history entry`, async () => {
    const { keyed, entries } = await setup(kind)
    const first = await readAnswer(await keyed('retry-1', form(request)), 200, 'json')
    for (let i = 0; i < 3; i++)
      assert.equal(await readAnswer(await keyed('retry-1', form(request)), 200, 'json'), first)
    // The same values, differently sent, are the same request: trimmed, reordered, as JSON, with an unknown field.
    const same = [
      [
        `assigned_to=%20des@acme.test%20&comment=Solved&status=%20CLOSED&number_customergauge=012&foo=bar`,
        undefined,
      ],
      [JSON.stringify({ ...request, status: ' CLOSED ', extra: 1 }), 'application/json'],
      [`${form(request)}&status_code=`, undefined],
    ] as const
    for (const [body, contentType] of same)
      assert.equal(
        await readAnswer(await keyed('retry-1', body, 'json', contentType), 200, 'json'),
        first,
      )
    assert.equal((await entries()).length, 1)
  })

  test(`[${kind.name}] a replay is rendered in the format the retry asked for`, async () => {
    const { keyed, entries } = await setup(kind)
    await expectOk(await keyed('fmt', form(request), 'json'), 12, 'json')
    await expectOk(await keyed('fmt', form(request), 'xml'), 12, 'xml')
    await expectOk(await keyed('fmt-2', form(request), 'xml'), 12, 'xml')
    await expectOk(await keyed('fmt-2', form(request), 'json'), 12, 'json')
    assert.equal((await entries()).length, 2)
  })

  for (const format of WIRE_FORMATS) {
    test(`[${kind.name}] ${format}: the same key with a different request answers 422 300009 and writes nothing`, async () => {
      const { keyed, entries } = await setup(kind)
      await expectOk(await keyed('k-1', form(request)), 12)
      const before = await entries()
      const different = [
        { ...request, status: 'OPEN' },
        { ...request, comment: 'Solved!' },
        { ...request, number_customergauge: 13 },
        { number_customergauge: 12, status: 'CLOSED', comment: 'Solved' },
        { ...request, status: 'close' },
      ]
      for (const fields of different) {
        const message = await expectError(
          await keyed('k-1', form(fields), format),
          422,
          300009,
          format,
        )
        assert.match(message, /Idempotency-Key/)
      }
      assert.deepEqual(await entries(), before)
      assert.deepEqual(await entries(13), [])
    })

    test(`[${kind.name}] ${format}: 20 simultaneous identical keyed requests write exactly one entry; each answer is 200 or 409 300010`, async () => {
      const { keyed, entries } = await setup(kind)
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => keyed('burst', form(request), format)),
      )
      let ok = 0
      for (const answer of answers) {
        if (answer.status === 200) {
          await expectOk(answer, 12, format)
          ok++
        } else {
          const message = await expectError(answer, 409, 300010, format)
          assert.match(message, /still being processed/)
        }
      }
      assert.ok(ok >= 1, 'no request went through')
      assert.equal((await entries()).length, 1)
      // Once the first is done, a retry replays.
      await expectOk(await keyed('burst', form(request), format), 12, format)
      assert.equal((await entries()).length, 1)
    })

    test(`[${kind.name}] ${format}: a twin sent while the first keyed request is in flight answers 409 300010; the first then answers 200 and writes one entry`, async () => {
      const { server, acme, keyed, entries } = await setup(kind)
      const sendTwins =
        SEND_TWINS[kind.name] ?? assert.fail(`no way to hold a request in flight on ${kind.name}`)
      const headers = {
        Authorization: `api_key ${acme.key}`,
        'Content-Type': 'application/x-www-form-urlencoded',
        'Idempotency-Key': 'twins',
      }
      const twin = postBytes(`/v4.1/workflow.${format}`, headers, form(request))
      const [first, second] = await sendTwins(server, acme.slug, [twin, twin])
      assert.match(await expectError(second, 409, 300010, format), /still being processed/)
      await expectOk(first, 12, format)
      assert.equal((await entries()).length, 1)
      // Once the first is done, the twin's retry replays its answer.
      await expectOk(await keyed('twins', form(request), format), 12, format)
      assert.equal((await entries()).length, 1)
    })

    test(`[${kind.name}] ${format}: a malformed Idempotency-Key answers 300001 and writes nothing`, async () => {
      const { keyed, entries } = await setup(kind)
      for (const key of ['', '   ', 'a b', 'x'.repeat(256)]) {
        await expectError(await keyed(key, form(request), format), 400, 300001, format)
      }
      await expectOk(await keyed('x'.repeat(255), form(request), format), 12, format)
      assert.equal((await entries()).length, 1)
    })
  }

  test(`[${kind.name}] the same key under another tenant executes normally`, async () => {
    const { server, keyed, entries } = await setup(kind)
    const other = await createTestTenant(server.ctx, { slug: uniqueSlug('other'), records: [12] })
    await expectOk(await keyed('shared', form(request)), 12)
    const answer = await post(
      workflowUrl(server),
      form({ number_customergauge: 12, status: 'PROGRESS' }),
      { key: other.key, headers: { 'idempotency-key': 'shared' } },
    )
    await expectOk(answer, 12)
    assert.equal((await entries()).length, 1)
    const theirs = await showCase(server.ctx, other.slug, 12)
    assert.deepEqual(
      theirs.history.map((entry) => entry.status_to),
      ['PROGRESS'],
    )
  })

  test(`[${kind.name}] an error is not kept: the retry with the same key runs again`, async () => {
    const { server, acme, keyed, entries } = await setup(kind)
    const fields = { ...request, assigned_to: 'ann@acme.test' }
    await expectError(await keyed('after-error', form(fields)), 400, 400201, 'json')
    assert.deepEqual(await entries(), [])
    await addUser(server.ctx, acme.slug, 'ann@acme.test')
    await expectOk(await keyed('after-error', form(fields)), 12)
    assert.equal((await entries()).length, 1)
    assert.equal((await showCase(server.ctx, acme.slug, 12)).assigned_to, 'ann@acme.test')
  })

  test(`[${kind.name}] a key is replayed for 24 h; after that the same key runs as a new request`, async () => {
    const { keyed, entries, setClock } = await setup(kind)
    await expectOk(await keyed('daily', form(request)), 12)
    setClock(T0 + 24 * 3600_000 - 1)
    await expectError(
      await keyed('daily', form({ ...request, status: 'OPEN' })),
      422,
      300009,
      'json',
    )
    await expectOk(await keyed('daily', form(request)), 12)
    assert.equal((await entries()).length, 1)
    setClock(T0 + 24 * 3600_000 + 1)
    await expectOk(await keyed('daily', form({ ...request, status: 'OPEN' })), 12)
    assert.deepEqual(
      (await entries()).map((entry) => entry.status_to),
      ['CLOSED', 'OPEN'],
    )
  })
}
