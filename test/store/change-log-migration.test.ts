// Migration 2026-12-07-13-change-log on a database with cases and history written before it: each
// case's latest entry gets the case's change_seq (the older ones none), and the sync feed, which
// now reads the change log, lists every case once, in change order, before and after new changes.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Kysely } from 'kysely'
import { listCases } from '../../src/service/case-feed.js'
import { createServiceContext } from '../../src/service/context.js'
import { updateCase } from '../../src/service/update-workflow.js'
import { migrateToLatest } from '../../src/store/migrate.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { openBeforeMigration } from '../helpers/migrations.js'

const MIGRATION = '2026-12-07-13-change-log'
const at = (minute: number): string => `2026-12-01T10:${String(minute).padStart(2, '0')}:00.000Z`

/**
 * A tenant whose change sequence is at 3: case 13 opened at change 1, case 12 opened at change 2
 * and closed at change 3. Hand-written SQL on purpose: today's services write a column that
 * schema does not have yet.
 */
async function writeOldRows(db: Kysely<any>): Promise<void> {
  await db.insertInto('tenants').values({ id: 't1', slug: 'acme', name: 'Acme', region: 'eu', change_seq: 3, created_at: at(0) }).execute()
  for (const cgid of [12, 13]) {
    await db.insertInto('records').values({ tenant_id: 't1', number_customergauge: cgid, extra: '{}', created_at: at(0), updated_at: at(0) }).execute()
  }
  const opened = { tenant_id: 't1', status: 'OPEN', status_label: 'OPEN', opened_at: at(1), updated_at: at(1), happened_at: at(1), history_count: 1 }
  await db
    .insertInto('cases')
    .values([
      { ...opened, number_customergauge: 13, change_seq: 1 },
      { ...opened, number_customergauge: 12, status: 'CLOSED', status_label: 'CLOSED', closed_at: at(5), updated_at: at(5), happened_at: at(5), history_count: 2, change_seq: 3 },
    ])
    .execute()
  const entry = { tenant_id: 't1', actor: 'key:k', seq: 1, at: at(1), happened_at: at(1), status_to: 'OPEN', status_label_to: 'OPEN' }
  await db
    .insertInto('history_entries')
    .values([
      { ...entry, number_customergauge: 13 },
      { ...entry, number_customergauge: 12 },
      { ...entry, number_customergauge: 12, seq: 2, at: at(5), happened_at: at(5), status_from: 'OPEN', status_to: 'CLOSED', status_label_from: 'OPEN', status_label_to: 'CLOSED' },
    ])
    .execute()
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] history written before the migration: each case's latest entry carries its change_seq, and the feed lists every case once in change order`, async (t) => {
    const store = await openBeforeMigration(kind, t, MIGRATION)
    await writeOldRows(store.db)

    const { applied } = await migrateToLatest(store.db)
    assert.ok(applied.includes(MIGRATION))
    const entries = await store.db
      .selectFrom('history_entries')
      .select(['number_customergauge', 'seq', 'change_seq'])
      .orderBy('number_customergauge')
      .orderBy('seq')
      .execute()
    assert.deepEqual(
      entries.map((entry) => [Number(entry.number_customergauge), entry.seq, entry.change_seq === null ? null : Number(entry.change_seq)]),
      [
        [12, 1, null],
        [12, 2, 3],
        [13, 1, 1],
      ],
    )

    const ctx = createServiceContext(store)
    const feed = async (cursor?: string) => {
      const page = await listCases(ctx, 't1', { cursor })
      return { cgids: page.data.map((view) => view.number_customergauge), next: page.next_cursor }
    }
    const first = await feed()
    assert.deepEqual(first.cgids, [13, 12])

    // A change after the migration: the case moves to the end of the feed, and a resumed sync sees only it.
    await updateCase(ctx, { tenantId: 't1', actor: 'user:des@acme.test' }, { numberCustomergauge: 13, status: 'CLOSE' })
    assert.deepEqual((await feed(first.next)).cgids, [13])
    assert.deepEqual((await feed()).cgids, [12, 13])
  })
}
