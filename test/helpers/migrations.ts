// A database migrated up to just before one migration, for the tests that run that migration on
// rows written by the code before it.

import assert from 'node:assert/strict'
import { Migrator } from 'kysely'
import { openDatabase, type Store } from '../../src/store/database.js'
import { migrationProvider } from '../../src/store/migrations/index.js'
import type { TEST_DATABASES } from './databases.js'

/** A fresh database of `kind` migrated up to the migration before `migration` (whatever others are merged around it); closed and dropped after the test. */
export async function openBeforeMigration(
  kind: (typeof TEST_DATABASES)[number],
  t: { after: (fn: () => Promise<void>) => void },
  migration: string,
): Promise<Store> {
  const database = await kind.create()
  const store = await openDatabase(database.url)
  t.after(async () => {
    await store.close()
    await database.drop()
  })
  const names = Object.keys(await migrationProvider.getMigrations()).sort()
  const index = names.indexOf(migration)
  assert.ok(index > 0, `${migration} is not registered`)
  const { error } = await new Migrator({ db: store.db, provider: migrationProvider }).migrateTo(names[index - 1]!)
  assert.equal(error, undefined)
  return store
}
