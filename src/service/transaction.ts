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
    throw unavailableOr(ctx, error)
  }
}

/**
 * A "busy" or "unreachable" database error as 503000 with Retry-After; any other error as it is.
 * The surfaces' error handlers pass every error through it, so no query path can answer 500 for an
 * outage.
 */
export function unavailableOr(ctx: ServiceContext, error: unknown): unknown {
  if (!ctx.store.dialect.isUnavailable(error)) return error
  return new FirehouseError('UNAVAILABLE', 'Service unavailable: the database is busy or unreachable, try again', {
    cause: error,
    details: { retryAfter: UNAVAILABLE_RETRY_AFTER_S },
  })
}
