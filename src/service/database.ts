// Use cases on the database itself: open it for a command or the server, migrate, check readiness.

import { openDatabase, pingDatabase, type OpenOptions } from '../store/database.js'
import { migrateToLatest, type MigrateReport } from '../store/migrate.js'
import { createServiceContext, type ServiceContext } from './context.js'
import { withDatabase } from './transaction.js'

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

/** Resolves when the database answers a query; 503000 when it is busy or unreachable. */
export async function checkDatabaseReady(ctx: ServiceContext): Promise<void> {
  await withDatabase(ctx, pingDatabase)
}
