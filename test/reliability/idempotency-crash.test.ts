// TESTPLAN D7: a keyed update, the server SIGKILLed after the answer or while the request is in flight,
// then the same key and body 3× after the restart: exactly one history entry, replays byte-identical.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { openServiceContext } from '../../src/service/database.js'
import { classify, readAllCases, sendUpdate, sleep, startCrashableServer, type Answer, type CrashableServer } from '../helpers/crash.js'
import { TEST_DATABASES, type TestDatabase, type TestDatabaseKind } from '../helpers/databases.js'
import { createTestTenant, openSideConnection, type TestTenant } from '../helpers/server.js'

const CGID = 7
const RESENDS = 3
/** Kills at these delays after the request is flushed: the server may or may not have committed it. */
const RACY_KILL_DELAYS_MS = [0, 3, 10, 30]
/** With the write lock held elsewhere, the keyed request must still be waiting this long later. */
const HELD_MS = 300

interface Setup {
  database: TestDatabase
  tenant: TestTenant
  server: CrashableServer
}

async function setup(kind: TestDatabaseKind, t: TestContext): Promise<Setup> {
  const database = await kind.create()
  t.after(() => database.drop())
  const ctx = await openServiceContext(database.url)
  const tenant = await createTestTenant(ctx, { slug: 'acme', records: [CGID], users: ['des@acme.test'] })
  await ctx.store.close()
  const server = await startCrashableServer(database.url, tenant.key)
  t.after(() => server.stopAll())
  return { database, tenant, server }
}

function keyedUpdate({ server, tenant }: Setup, idempotencyKey: string, comment: string, onFlushed?: () => void): Promise<Answer> {
  const fields = { number_customergauge: CGID, status: 'CLOSED', assigned_to: 'des@acme.test', comment }
  return sendUpdate(server.current().url, tenant.key, fields, { headers: { 'idempotency-key': idempotencyKey }, onFlushed })
}

/** History entries carrying `comment`, read through the restarted server. */
async function entriesWith(s: Setup, comment: string): Promise<number> {
  const cases = await readAllCases(s.server.current().url, s.tenant.key)
  return cases.flatMap((view) => view.history).filter((entry) => entry.comment === comment).length
}

/** After a restart: the same key and body 3×, each 200 with one byte-identical body; returns it. */
async function resend(s: Setup, idempotencyKey: string, comment: string): Promise<string> {
  const bodies: string[] = []
  for (let i = 0; i < RESENDS; i++) {
    const answer = await keyedUpdate(s, idempotencyKey, comment)
    assert.equal(answer.status, 200, `resend ${i + 1}: ${answer.body.toString()}`)
    bodies.push(answer.body.toString('utf8'))
  }
  assert.deepEqual(new Set(bodies).size, 1, `resends differ: ${JSON.stringify(bodies)}`)
  assert.equal(await entriesWith(s, comment), 1, 'exactly one history entry for the key')
  return bodies[0]!
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] SIGKILL right after the answer: after the restart the same key replays the original bytes 3×, one history entry`, { timeout: 120_000 }, async (t) => {
    const s = await setup(kind, t)
    for (const round of [1, 2]) {
      const [key, comment] = [`after-answer-${round}`, `after answer ${round} ${Date.now()}`]
      const original = await keyedUpdate(s, key, comment)
      await s.server.kill()
      assert.equal(original.status, 200, original.body.toString())
      await s.server.restart()
      assert.equal(await resend(s, key, comment), original.body.toString('utf8'), 'replay byte-identical to the original answer')
    }
  })

  test(`[${kind.name}] SIGKILL while the keyed request waits for the write lock (no answer): the resends execute it once`, { timeout: 120_000 }, async (t) => {
    const s = await setup(kind, t)
    const side = await openSideConnection(s.database)
    t.after(() => side.close())
    // Hold the write lock so the request is surely inside its transaction, uncommitted, when the server dies.
    await side.exec(kind.name === 'sqlite' ? 'begin immediate' : 'begin')
    if (kind.name === 'postgres') await side.exec('select id from tenants for update')
    const [key, comment] = ['in-flight-held', `held ${Date.now()}`]
    const pending = classify(keyedUpdate(s, key, comment))
    await sleep(HELD_MS)
    await s.server.kill()
    const { outcome, answer } = await pending
    assert.equal(outcome, 'info', `the request was answered before the kill: ${answer?.status} ${answer?.body.toString()}`)
    await side.exec('rollback')
    await s.server.restart()
    const left = await entriesWith(s, comment)
    // On SQLite the kill ends the request's transaction. On PostgreSQL its batch's statement commits
    // by itself, and one that waits for a lock may still finish after its client died (its answer,
    // with its key, is then stored by the same statement): what must hold is that the resends
    // execute it once (docs/durability.md).
    if (kind.name === 'sqlite') assert.equal(left, 0, 'the killed request wrote nothing')
    else assert.ok(left <= 1, `${left} entries before any resend`)
    // resend() holds that the resends leave exactly one entry.
    assert.equal(await resend(s, key, comment), `{"Data":{"number_customergauge":${CGID}}}`)
  })

  test(`[${kind.name}] SIGKILL ${RACY_KILL_DELAYS_MS.join('/')} ms after the keyed request is flushed: whatever committed, the resends leave one entry`, { timeout: 150_000 }, async (t) => {
    const s = await setup(kind, t)
    const seen: string[] = []
    for (const delay of RACY_KILL_DELAYS_MS) {
      const [key, comment] = [`in-flight-${delay}`, `in flight ${delay} ${Date.now()}`]
      let killed: Promise<void> | undefined
      const pending = classify(keyedUpdate(s, key, comment, () => (killed = sleep(delay).then(() => s.server.kill()))))
      const { outcome, answer } = await pending
      await killed
      await s.server.restart()
      const before = await entriesWith(s, comment)
      assert.ok(before <= 1, `${before} entries before any resend`)
      seen.push(`${delay} ms: ${outcome}${answer ? ` ${answer.status}` : ''}, committed=${before === 1}`)
      const replay = await resend(s, key, comment)
      if (answer?.status === 200) assert.equal(replay, answer.body.toString('utf8'), 'replay byte-identical to the original answer')
    }
    t.diagnostic(`${kind.name}: ${seen.join('; ')}`)
  })
}
