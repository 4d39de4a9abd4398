// The board's defences against cross-site requests: the origin check and the per-session token (SPEC §7).

import { timingSafeEqual } from 'node:crypto'
import type { FastifyRequest } from 'fastify'

/** `Sec-Fetch-Site` values a browser sends for the server's own pages (or a typed URL). */
const OWN_FETCH_SITES = new Set(['same-origin', 'none'])

/**
 * True when nothing says the request comes from another site: its `Origin`, when sent, is the
 * server's own, and its `Sec-Fetch-Site`, when sent, is same-origin or none.
 */
export function comesFromOwnOrigin(request: FastifyRequest): boolean {
  const fetchSite = request.headers['sec-fetch-site']
  if (fetchSite !== undefined && !OWN_FETCH_SITES.has(String(fetchSite))) return false
  const origin = request.headers.origin
  if (origin === undefined) return true
  return origin === `${request.protocol}://${request.host}`
}

/** The form field (or header) carrying the token must equal the session's. */
export function carriesCsrfToken(request: FastifyRequest, expected: string): boolean {
  const body = request.body as Record<string, unknown> | undefined
  const given = typeof body?._csrf === 'string' ? body._csrf : request.headers['x-csrf-token']
  if (typeof given !== 'string') return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
