// Runs a use case's writes in one transaction; a busy or unreachable database becomes 503000.

import { FirehouseError } from '../domain/errors.js'
import type { Db, Tx } from '../store/database.js'
import type { ServiceContext } from './context.js'

/** Seconds a client is asked to wait when the database is busy or down. */
export const UNAVAILABLE_RETRY_AFTER_S = 1

export async function inTransaction<T>(ctx: ServiceContext, work: (trx: Tx) => Promise<T>): Promise<T> {
  return withDatabase(ctx, (db) => db.transaction().execute(work))
}

/** Runs database work, turning "busy" or "unreachable" into 503000 with Retry-After. */
export async function withDatabase<T>(ctx: ServiceContext, work: (db: Db) => Promise<T>): Promise<T> {
  try {
    return await work(ctx.store.db)
  } catch (error) {
    if (ctx.store.dialect.isUnavailable(error)) {
      throw new FirehouseError('UNAVAILABLE', 'Service unavailable: the database is busy, try again', {
        cause: error,
        details: { retryAfter: UNAVAILABLE_RETRY_AFTER_S },
      })
    }
    throw error
  }
}
