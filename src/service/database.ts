// Use cases on the database itself: open it for a command or the server, migrate, check readiness.

import { availableParallelism } from 'node:os'
import { openDatabase, pingDatabase, type OpenOptions } from '../store/database.js'
import { isPostgresUrl } from '../store/dialect.js'
import { FirehouseError } from '../domain/errors.js'
import { migrateToLatest, pendingMigrations, type MigrateReport } from '../store/migrate.js'
import { createServiceContext, type ServiceContext } from './context.js'
import { UNAVAILABLE_RETRY_AFTER_S, withDatabase } from './transaction.js'

/**
 * Opens the database a FIREHOUSE_DB value names and brings its schema up to date; `migrate: false`
 * leaves that to the caller (the `migrate` command, which reports what it applied).
 */
export async function openServiceContext(
  url: string,
  options: OpenOptions & { migrate?: boolean } = {},
): Promise<ServiceContext> {
  const store = await openDatabase(url, options)
  try {
    if (options.migrate !== false) await migrateToLatest(store.db)
  } catch (error) {
    await store.close()
    throw error
  }
  return createServiceContext(store)
}

export async function migrateDatabase(ctx: ServiceContext): Promise<MigrateReport> {
  return migrateToLatest(ctx.store.db)
}

/** Resolves when the database answers and its schema is current; 503000 otherwise. */
export async function checkDatabaseReady(ctx: ServiceContext): Promise<void> {
  const pending = await withDatabase(ctx, async (db) => {
    await pingDatabase(db)
    return pendingMigrations(db)
  })
  if (pending.length > 0) {
    throw new FirehouseError('UNAVAILABLE', `Not ready: ${pending.length} migrations are pending`, {
      details: { retryAfter: UNAVAILABLE_RETRY_AFTER_S },
    })
  }
}

/** Connections of the database pool, for the metrics. */
export function databasePoolUsage(ctx: ServiceContext): { total: number; idle: number; waiting: number } {
  return ctx.store.dialect.poolUsage()
}

/**
 * `serve`'s process count when none is set: one per core on PostgreSQL, which takes writes from
 * every process at once; one on SQLite, which commits one writer at a time: a second process only
 * waits for the lock (p99 in seconds under load) while one process with its writer thread already
 * uses both cores (docs/deploy.md has the figures).
 */
export function defaultProcessCount(url: string): number {
  return isPostgresUrl(url) ? availableParallelism() : 1
}
