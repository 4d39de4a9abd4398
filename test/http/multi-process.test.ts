// Three server processes on one database: concurrent updates of one case serialise, none is lost.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { spawnServer } from '../helpers/process.js'
import { createTestTenant, form, post } from '../helpers/server.js'

const PROCESSES = 3
const UPDATES = 200
const STATUSES = ['OPEN', 'PROGRESS', 'CLOSED'] as const

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] ${UPDATES} concurrent updates through ${PROCESSES} processes: every 200 is one entry, the chain is unbroken`, async (t) => {
    const { ctx, database } = await openTestContext(t, kind)
    const users = ['a@example.com', 'b@example.com', 'c@example.com']
    const tenant = await createTestTenant(ctx, { slug: 'acme', records: [42], users })
    const servers = await Promise.all(Array.from({ length: PROCESSES }, () => spawnServer(database.url)))
    t.after(() => Promise.all(servers.map((server) => server.stop())))

    const started = Date.now()
    const answers = await Promise.all(
      Array.from({ length: UPDATES }, (_, i) =>
        post(`${servers[i % PROCESSES]!.url}/v4.1/workflow.json`, form({
          number_customergauge: 42,
          status: STATUSES[i % 3]!,
          assigned_to: users[(i * 7) % 3]!,
          comment: `update ${i}`,
        }), { key: tenant.key }).then((response) => response.status),
      ),
    )
    const acked = answers.filter((status) => status === 200).length
    t.diagnostic(`${acked}/${UPDATES} acknowledged in ${Date.now() - started} ms through ${PROCESSES} processes`)
    assert.equal(acked, UPDATES, `statuses: ${JSON.stringify(answers.filter((status) => status !== 200))}`)

    const view = await showCase(ctx, 'acme', 42)
    assert.equal(view.history.length, acked)
    assert.deepEqual(view.history.map((entry) => entry.seq), Array.from({ length: acked }, (_, i) => i + 1))
    for (let i = 1; i < view.history.length; i++) {
      const [previous, entry] = [view.history[i - 1]!, view.history[i]!]
      assert.equal(entry.status_from, previous.status_to, `entry ${entry.seq}`)
      assert.equal(entry.assigned_from, previous.assigned_to, `entry ${entry.seq}`)
    }
    const last = view.history.at(-1)!
    assert.deepEqual([view.status, view.assigned_to], [last.status_to, last.assigned_to])
    assert.equal(new Set(view.history.map((entry) => entry.comment)).size, UPDATES)
  })
}
