// Runs the migration set up to the latest, reporting what ran (a result, not a throw, per step).

import { Migrator, type Kysely, type MigrationResult } from 'kysely'
import { FirehouseError } from '../domain/errors.js'
import type { Database } from './database.js'
import { migrationProvider } from './migrations/index.js'

export interface MigrateReport {
  applied: string[]
}

export async function migrateToLatest(db: Kysely<Database>): Promise<MigrateReport> {
  const migrator = new Migrator({ db, provider: migrationProvider })
  const { error, results = [] } = await migrator.migrateToLatest()
  if (error) {
    const failed = results.find((result) => result.status === 'Error')?.migrationName ?? 'unknown'
    throw new FirehouseError('UNAVAILABLE', `Migration ${failed} failed`, { cause: error })
  }
  return { applied: results.filter(isApplied).map((result) => result.migrationName) }
}

function isApplied(result: MigrationResult): boolean {
  return result.status === 'Success'
}

/** Names of migrations not yet applied to this database. */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const migrations = await new Migrator({ db, provider: migrationProvider }).getMigrations()
  return migrations.filter((migration) => migration.executedAt === undefined).map((migration) => migration.name)
}
