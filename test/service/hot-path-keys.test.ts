// SQLite's hot path and Idempotency-Keys beyond what the identity test reaches: a key that a
// general-path call of the same process holds in flight (a failed hot batch's calls run there
// again, and so do the calls of a tenant deleted since its key was checked).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import type { Caller } from '../../src/service/api-keys.js'
import { runHotBatch, type HotCall } from '../../src/service/hot-path.js'
import { flightKey } from '../../src/service/idempotency.js'
import { getTenant } from '../../src/service/tenants.js'
import { prepareHotStatements } from '../../src/store/sqlite-hot-statements.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant } from '../helpers/server.js'

const SQLITE = TEST_DATABASES.find((kind) => kind.name === 'sqlite')
const NOW = () => '2026-12-06T10:00:00.000Z'

test('[sqlite] a keyed call whose key a general-path call holds in flight is refused 300010 and writes nothing; once it is not, the call writes and its retry replays', { skip: SQLITE === undefined }, async (t) => {
  const { ctx } = await openTestContext(t, SQLITE!)
  const { keyId } = await createTestTenant(ctx, { slug: 'acme', records: [1] })
  const tenant = await getTenant(ctx, 'acme')
  const caller: Caller = { tenantId: tenant.id, actor: `key:${keyId}`, bucketId: keyId, rateLimit: null, admin: false }
  const call: HotCall = { caller, input: { numberCustomergauge: 1, status: 'CLOSE' }, options: { idempotencyKey: 'retry-1' } }
  const statements = prepareHotStatements(ctx.store.dialect.sqlite!)
  const written = async () => {
    const entries = await sql<{ n: number }>`select count(*) as n from history_entries`.execute(ctx.store.db)
    const keys = await sql<{ n: number }>`select count(*) as n from idempotency_keys`.execute(ctx.store.db)
    return { entries: entries.rows[0]!.n, keys: keys.rows[0]!.n }
  }

  const [held] = runHotBatch(statements, [call], NOW, new Set([flightKey(tenant.id, 'retry-1')]))
  assert.ok(held?.kind === 'refused', JSON.stringify(held))
  assert.equal(held.error.code, 300010)
  assert.deepEqual(await written(), { entries: 0, keys: 0 })

  const [first] = runHotBatch(statements, [call], NOW, new Set())
  assert.deepEqual(first, { kind: 'written', value: { numberCustomergauge: 1, replayed: false }, queued: 0 })
  const [retry] = runHotBatch(statements, [call], NOW, new Set())
  assert.deepEqual(retry, { kind: 'written', value: { numberCustomergauge: 1, replayed: true }, queued: 0 })
  assert.deepEqual(await written(), { entries: 1, keys: 1 })
})
