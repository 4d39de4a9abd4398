// Migration 2026-12-04-10: an existing database keeps what its tenants did — auto_open 1 opens detractors
// (NPS 0–6), auto_open 0 opens nothing — and every rule starts off; existing keys are not admin keys.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Migrator, type Kysely } from 'kysely'
import type { Database } from '../../src/store/database.js'
import { openDatabase } from '../../src/store/database.js'
import { migrateToLatest } from '../../src/store/migrate.js'
import { migrationProvider } from '../../src/store/migrations/index.js'
import { rulesOfRow } from '../../src/store/tenants.js'
import { TEST_DATABASES } from '../helpers/databases.js'

const BEFORE_RULES = '2026-12-04-09-webhooks'

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] tenants made before the rules keep their auto-open behaviour, with every rule off and no admin key`, async (t) => {
    const database = await kind.create()
    t.after(() => database.drop())
    const store = await openDatabase(database.url)
    t.after(() => store.close())
    const old = store.db as unknown as Kysely<any>
    const { error } = await new Migrator({ db: old, provider: migrationProvider }).migrateTo(BEFORE_RULES)
    assert.equal(error, undefined)
    const tenant = (slug: string, autoOpen: number) => ({ id: `id-${slug}`, slug, name: slug, region: 'eu', extended_statuses: 0, auto_open: autoOpen, rate_limit: null, created_at: '2026-12-01T00:00:00.000Z' })
    await old.insertInto('tenants').values([tenant('opens', 1), tenant('quiet', 0)]).execute()
    await old.insertInto('api_keys').values({ id: 'k1', tenant_id: 'id-opens', prefix: 'fh_x', hash: 'h', label: null, created_at: '2026-12-01T00:00:00.000Z', revoked_at: null }).execute()

    assert.deepEqual((await migrateToLatest(store.db as Kysely<Database>)).applied[0], '2026-12-04-10-workflow-rules')
    const rows = await store.db.selectFrom('tenants').selectAll().orderBy('slug').execute()
    const off = { progressive: false, commentOnStatusChange: false, commentOnReassign: false }
    assert.deepEqual(rows.map((row) => [row.slug, rulesOfRow(row)]), [
      ['opens', { ...off, autoOpen: { npsMin: 0, npsMax: 6, field: null } }],
      ['quiet', { ...off, autoOpen: { npsMin: null, npsMax: null, field: null } }],
    ])
    assert.deepEqual(await store.db.selectFrom('api_keys').select(['id', 'admin']).execute(), [{ id: 'k1', admin: 0 }])
  })
}
