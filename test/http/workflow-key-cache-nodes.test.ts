// What a server process may remember between v4.1 calls (the caller of an API key, cached-callers.ts)
// never outlives a change made elsewhere: two `firehouse serve` processes on one database, the
// change made by a third (this test's own process) — the next request of each server sees it.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { createApiKey, revokeApiKey } from '../../src/service/api-keys.js'
import { showCase } from '../../src/service/case-view.js'
import { setStatusesFromFile } from '../../src/service/statuses.js'
import { deactivateUser } from '../../src/service/users.js'
import { openTestContext, TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { spawnServer } from '../helpers/process.js'
import { caller, createTestTenant, expectCode, expectOk, form, type Call } from '../helpers/server.js'

/** Two server processes on one fresh database with a tenant; each has used its key (so remembers its caller). */
async function twoNodes(t: TestContext, kind: TestDatabaseKind, extendedStatuses = false) {
  const { ctx, database } = await openTestContext(t, kind)
  const acme = await createTestTenant(ctx, { slug: 'acme', records: [12, 13, 14], users: ['ann@acme.test'], extendedStatuses })
  const nodes = await Promise.all([spawnServer(database.url), spawnServer(database.url)])
  t.after(() => Promise.all(nodes.map((node) => node.stop())))
  const calls = nodes.map((node) => caller(node, acme.key))
  for (const call of calls) await expectOk(await call(form({ number_customergauge: 12, comment: 'remembered' })), 12)
  return { ctx, nodes, calls }
}

/** Every way a call can go: a change, a refused change, a keyed call, the other format. */
const ATTEMPTS: ReadonlyArray<Parameters<Call>> = [
  [form({ number_customergauge: 12, status: 'progress', assigned_to: 'ann@acme.test', comment: 'after revocation' })],
  [form({ number_customergauge: 13, comment: 'a case that does not exist yet' })],
  [form({ number_customergauge: 12, status: 'no such status' })],
  [form({ number_customergauge: 12, assigned_to: 'nobody@acme.test' })],
  [form({ number_customergauge: 999, comment: 'no such record' })],
  [form({ number_customergauge: 'not a number' })],
  [form({ number_customergauge: 12, comment: 'keyed' }), { headers: { 'idempotency-key': 'after-revocation' } }],
  [form({ number_customergauge: 12, comment: 'xml' }), { format: 'xml' }],
]

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] a key revoked by another process is refused on the very next request of every server, whatever the request, and nothing is written`, async (t) => {
    const { ctx, nodes } = await twoNodes(t, kind)
    // One key per attempt, used once on each server: each attempt is its key's first request after the revocation.
    const keys = await Promise.all(ATTEMPTS.map((_, i) => createApiKey(ctx, 'acme', `attempt ${i}`)))
    for (const node of nodes) {
      for (const { key } of keys) await expectOk(await caller(node, key)(form({ number_customergauge: 12, comment: 'remembered' })), 12)
    }
    const before = [await showCase(ctx, 'acme', 12), await showCase(ctx, 'acme', 13)]
    for (const { info } of keys) await revokeApiKey(ctx, 'acme', info.id)
    for (const node of nodes) {
      for (const [i, [body, options]] of ATTEMPTS.entries()) {
        const message = await expectCode(await caller(node, keys[i]!.key)(body, options), 200000, options?.format ?? 'json')
        assert.match(message, /Revoked API key/, `attempt ${i}: ${message}`)
      }
    }
    assert.deepEqual([await showCase(ctx, 'acme', 12), await showCase(ctx, 'acme', 13)], before, 'no case changed, none was opened')
  })

  test(`[${kind.name}] a user deactivated by another process can no longer be assigned on any server (400201)`, async (t) => {
    const { ctx, calls } = await twoNodes(t, kind)
    for (const call of calls) await expectOk(await call(form({ number_customergauge: 12, assigned_to: 'ANN@acme.test' })), 12)
    await deactivateUser(ctx, 'acme', 'ann@acme.test')
    for (const call of calls) {
      await expectCode(await call(form({ number_customergauge: 12, assigned_to: 'ann@acme.test' })), 400201)
      await expectCode(await call(form({ number_customergauge: 14, assigned_to: 'ann@acme.test' })), 400201)
    }
  })

  test(`[${kind.name}] a status table replaced by another process holds on the next request of every server`, async (t) => {
    const { ctx, calls } = await twoNodes(t, kind, true)
    await setStatusesFromFile(ctx, 'acme', 'code,label,phase\n3,Triage,OPEN\n20,Working,PROGRESS\n', 'csv')
    for (const call of calls) await expectOk(await call(form({ number_customergauge: 12, status: '20' })), 12)
    await setStatusesFromFile(ctx, 'acme', 'code,label,phase\n3,Triage,OPEN\n30,Escalated,PROGRESS\n', 'csv')
    for (const call of calls) {
      await expectCode(await call(form({ number_customergauge: 12, status: '20' })), 400011)
      await expectOk(await call(form({ number_customergauge: 12, status: 'Escalated' })), 12)
    }
  })
}
