// The database failing under a v4.1 call, over real HTTP: busy (503000 with Retry-After) and broken
// (500000 naming only the request id); neither answer leaks SQL, a path or a stack, neither writes.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { getTenant } from '../../src/service/tenants.js'
import { findCaseOfRecord } from '../../src/store/case-reads.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import {
  WIRE_FORMATS,
  createTestTenant,
  expectError,
  expectOk,
  form,
  openSideConnection,
  post,
  startTestServer,
  workflowUrl,
} from '../helpers/server.js'

// What the other connection runs to hold the write lock: SQLite waits 5 s for it (busy timeout),
// PostgreSQL until the 10 s statement timeout; both then give up.
const HOLD_WRITE_LOCK: Record<string, string> = {
  sqlite: 'BEGIN IMMEDIATE',
  postgres: 'BEGIN; LOCK TABLE tenants IN EXCLUSIVE MODE',
}

async function setup(kind: TestDatabaseKind, t: TestContext, extendedStatuses = false) {
  const server = await startTestServer(kind)
  const side = await openSideConnection(server.database)
  // The side connection goes first: dropping a PostgreSQL database ends its connections.
  t.after(async () => {
    await side.close()
    await server.close()
  })
  const acme = await createTestTenant(server.ctx, {
    slug: 'acme',
    records: [12],
    users: ['des@acme.test'],
    extendedStatuses,
  })
  await expectOk(
    await post(workflowUrl(server), form({ number_customergauge: 12, status: 'PROGRESS' }), {
      key: acme.key,
    }),
    12,
  )
  return { server, acme, side }
}

const update = form({
  number_customergauge: 12,
  status: 'CLOSED',
  assigned_to: 'des@acme.test',
  comment: 'lost?',
})

for (const kind of TEST_DATABASES) {
  test(
    `[${kind.name}] a write lock held past the busy timeout answers 503 503000 with Retry-After, in both formats, and writes nothing`,
    { timeout: 60_000 },
    async (t) => {
      const { server, acme, side } = await setup(kind, t)
      const before = await showCase(server.ctx, 'acme', 12)
      await side.exec(
        HOLD_WRITE_LOCK[kind.name] ?? assert.fail(`no lock statement for ${kind.name}`),
      )
      try {
        // Both at once: PostgreSQL waits for them side by side, SQLite's one connection in turn.
        const answers = await Promise.all(
          WIRE_FORMATS.map((format) =>
            post(workflowUrl(server, format), update, { key: acme.key }),
          ),
        )
        for (const [index, format] of WIRE_FORMATS.entries()) {
          const answer = answers[index]!
          const retryAfter = answer.headers.get('retry-after') ?? ''
          assert.match(retryAfter, /^\d+$/)
          assert.ok(Number(retryAfter) >= 1)
          const message = await expectError(answer, 503, 503000, format)
          assert.match(message, /unavailable|busy/i)
        }
      } finally {
        await side.exec('ROLLBACK')
      }
      assert.deepEqual(await showCase(server.ctx, 'acme', 12), before)
      // Once the lock is gone the same call goes through.
      await expectOk(await post(workflowUrl(server), update, { key: acme.key }), 12)
      assert.equal((await showCase(server.ctx, 'acme', 12)).history.length, 2)
    },
  )

  for (const format of WIRE_FORMATS) {
    test(`[${kind.name}] ${format}: a dropped history table answers 500 500000 naming only the request id, and writes nothing`, async (t) => {
      const { server, acme, side } = await setup(kind, t)
      const tenant = await getTenant(server.ctx, 'acme')
      const before = await findCaseOfRecord(server.ctx.store.db, tenant.id, 12)
      await side.exec('DROP TABLE history_entries')
      const answer = await post(workflowUrl(server, format), update, { key: acme.key })
      const requestId = answer.headers.get('x-request-id') ?? ''
      assert.match(requestId, /^[0-9a-f-]{36}$/)
      const message = await expectError(answer, 500, 500000, format)
      assert.equal(message, `Internal error (request id ${requestId})`)
      // The case row was written before the history insert failed: the rollback took it back.
      assert.deepEqual(await findCaseOfRecord(server.ctx.store.db, tenant.id, 12), before)
    })

    test(`[${kind.name}] ${format}: a dropped statuses table answers 500 500000 without SQL, path or stack, and writes nothing`, async (t) => {
      const { server, acme, side } = await setup(kind, t, true)
      const before = await showCase(server.ctx, 'acme', 12)
      await side.exec('DROP TABLE statuses')
      const answer = await post(workflowUrl(server, format), update, { key: acme.key })
      const message = await expectError(answer, 500, 500000, format)
      assert.doesNotMatch(message, /statuses|table|SQL|\//i)
      assert.deepEqual(await showCase(server.ctx, 'acme', 12), before)
      // A tenant without an extended set never reads that table and is still served.
      const plain = await createTestTenant(server.ctx, { slug: 'plain', records: [5] })
      await expectOk(
        await post(workflowUrl(server, format), form({ number_customergauge: 5 }), {
          key: plain.key,
        }),
        5,
        format,
      )
    })
  }
}
