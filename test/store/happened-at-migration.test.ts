// Migration 2026-12-04-11-happened-at on a database with history written before it: every existing
// entry happened when it was recorded, and every case's happened_at is its latest entry's.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Kysely } from 'kysely'
import { showCase } from '../../src/service/case-view.js'
import { createServiceContext } from '../../src/service/context.js'
import { updateCase } from '../../src/service/update-workflow.js'
import { migrateToLatest } from '../../src/store/migrate.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { openBeforeMigration } from '../helpers/migrations.js'

const MIGRATION = '2026-12-04-11-happened-at'
const at = (minute: number): string => `2026-11-27T10:${String(minute).padStart(2, '0')}:00.000Z`

/**
 * A tenant with one record and a case of two entries, as the code before this migration wrote them.
 * Hand-written SQL on purpose: the services of today write columns that schema does not have yet.
 */
async function writeOldRows(db: Kysely<any>): Promise<void> {
  await db.insertInto('tenants').values({ id: 't1', slug: 'acme', name: 'Acme', region: 'eu', extended_statuses: 0, created_at: at(0) }).execute()
  await db.insertInto('records').values({ tenant_id: 't1', number_customergauge: 12, extra: '{}', created_at: at(0), updated_at: at(0) }).execute()
  await db
    .insertInto('cases')
    .values({ tenant_id: 't1', number_customergauge: 12, status: 'CLOSED', status_label: 'CLOSED', opened_at: at(1), followed_up_at: at(5), closed_at: at(5), updated_at: at(5), history_count: 2, change_seq: 2 })
    .execute()
  const entry = { tenant_id: 't1', number_customergauge: 12, actor: 'key:k' }
  await db
    .insertInto('history_entries')
    .values([
      { ...entry, seq: 1, at: at(1), status_to: 'OPEN', status_label_to: 'OPEN' },
      { ...entry, seq: 2, at: at(5), status_from: 'OPEN', status_to: 'CLOSED', status_label_from: 'OPEN', status_label_to: 'CLOSED' },
    ])
    .execute()
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] history written before the migration gets happened_at = at, and its case the latest entry's`, async (t) => {
    const store = await openBeforeMigration(kind, t, MIGRATION)
    await writeOldRows(store.db)

    const { applied } = await migrateToLatest(store.db)
    assert.ok(applied.includes(MIGRATION))
    const entries = await store.db.selectFrom('history_entries').select(['seq', 'at', 'happened_at']).orderBy('seq').execute()
    assert.deepEqual(entries, [
      { seq: 1, at: at(1), happened_at: at(1) },
      { seq: 2, at: at(5), happened_at: at(5) },
    ])
    const cases = await store.db.selectFrom('cases').select(['updated_at', 'happened_at']).execute()
    assert.deepEqual(cases, [{ updated_at: at(5), happened_at: at(5) }])

    // The case reads as before, each entry now with its happened_at; the next change is checked against the latest.
    const ctx = createServiceContext(store)
    const view = await showCase(ctx, 'acme', 12)
    assert.deepEqual([view.opened_at, view.closed_at, view.time_to_close_s], [at(1), at(5), 240])
    assert.deepEqual(view.history.map((entry) => [entry.at, entry.happened_at]), [[at(1), at(1)], [at(5), at(5)]])
    const writer = { tenantId: 't1', actor: 'user:des@acme.test' }
    await assert.rejects(updateCase(ctx, writer, { numberCustomergauge: 12, status: 'PROGRESS', happenedAt: at(4) }), { code: 400207 })
    await updateCase(ctx, writer, { numberCustomergauge: 12, status: 'PROGRESS', happenedAt: at(6) })
    assert.deepEqual((await showCase(ctx, 'acme', 12)).history.map((entry) => entry.happened_at), [at(1), at(5), at(6)])
  })
}
