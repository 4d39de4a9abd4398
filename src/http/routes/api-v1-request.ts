// What every native API handler needs from its request: the caller's tenant, strict parameters.

import type { FastifyRequest } from 'fastify'
import { FirehouseError } from '../../domain/errors.js'
import { standardPhase } from '../../domain/status.js'

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

interface ParameterSchemas {
  properties?: Record<string, { type?: unknown; minimum?: number; maximum?: number }>
}

/**
 * Integer parameters (query and path) must be sent in decimal digits. Fastify's validator would
 * coerce `0x10`, `1e3`, ` 5` or `1.0` into numbers; this runs before it, on the strings as sent.
 * The route's schema (the one /openapi.json shows) says which parameters are integers.
 */
export async function requireDecimalIntegers(request: FastifyRequest): Promise<void> {
  const schema = request.routeOptions.schema
  checkDecimalIntegers(request.query, schema?.querystring as ParameterSchemas | undefined)
  checkDecimalIntegers(request.params, schema?.params as ParameterSchemas | undefined)
}

function checkDecimalIntegers(values: unknown, schema: ParameterSchemas | undefined): void {
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    const value = (values as Record<string, unknown> | undefined)?.[name]
    if (property.type !== 'integer' || value === undefined) continue
    if (Array.isArray(value)) throw new FirehouseError('INVALID_ARGUMENT', `Invalid argument: ${name} is given more than once`)
    if (typeof value !== 'string' || !/^[0-9]+$/.test(value)) {
      const range = property.minimum !== undefined && property.maximum !== undefined ? ` from ${property.minimum} to ${property.maximum}` : ''
      throw new FirehouseError('INVALID_ARGUMENT', `Invalid argument: ${name} must be an integer${range}, in decimal digits`)
    }
  }
}

/**
 * The feed's `status` filter is one of the three phases; the v4.1 words for them (IN-PROGRESS,
 * CLOSE, any letter case, surrounding spaces) are taken too, as the phase they name, before the
 * schema's enum is checked.
 */
export async function acceptPhaseWords(request: FastifyRequest): Promise<void> {
  const query = request.query as Record<string, unknown>
  const phase = typeof query.status === 'string' ? standardPhase(query.status) : undefined
  if (phase) query.status = phase
}
