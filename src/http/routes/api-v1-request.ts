// What every native API handler needs from its request: the caller's tenant, a strict query.

import type { FastifyRequest } from 'fastify'
import { FirehouseError } from '../../domain/errors.js'

/** The tenant the authenticated request speaks for. */
export function tenantOf(request: FastifyRequest): string {
  if (!request.caller) throw new Error('route reached without authentication')
  return request.caller.tenantId
}

/**
 * Rejects query parameters the route does not know: a misspelt filter (`update_since`) would
 * otherwise be dropped silently and a sync job would read the whole feed believing it filtered.
 */
export function rejectUnknownQuery(known: readonly string[]) {
  return async (request: FastifyRequest): Promise<void> => {
    const unknown = Object.keys(request.query as object).filter((name) => !known.includes(name))
    if (unknown.length > 0) {
      throw new FirehouseError('INVALID_ARGUMENT', `Invalid argument: unknown query parameter ${unknown.join(', ')}`)
    }
  }
}
