// The headers a write may carry on every surface that changes a case (v4.1, v7): Idempotency-Key and If-Match.

import type { FastifyRequest } from 'fastify'
import { FirehouseError } from '../domain/errors.js'
import { headerCount, type HeaderSource } from './common-checks.js'

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/
/** One strong entity tag holding a version as read surfaces show it: `"0"`, `"12"`, up to 2^53−1. */
const IF_MATCH = /^"(0|[1-9][0-9]{0,15})"$/

/** The Idempotency-Key (SPEC §1 "Beyond the original"): 1 to 255 visible ASCII characters, once. */
export function readIdempotencyKey(request: HeaderSource): string | undefined {
  const header = request.headers['idempotency-key']
  if (header === undefined) return undefined
  // Node joins two into one value ("a, b"): refused by name rather than as a key with a space.
  if (headerCount(request, 'idempotency-key') > 1) {
    throw new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: the Idempotency-Key header is given more than once')
  }
  const key = String(header).trim()
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: Idempotency-Key must be 1 to 255 visible ASCII characters')
  }
  return key
}

/**
 * If-Match: `"<version>"` (SPEC §9), compared inside the write. A value that is no such entity tag
 * (`*`, a weak `W/` tag, a list, no quotes, not a version) or a repeated header is 300001: taking
 * one of several, or ignoring it, would write where the caller asked not to.
 */
export function readIfMatch(request: HeaderSource): number | undefined {
  const header = request.headers['if-match']
  if (header === undefined) return undefined
  if (headerCount(request, 'if-match') > 1) {
    throw new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: the If-Match header is given more than once')
  }
  const value = String(header).trim()
  const version = IF_MATCH.exec(value)?.[1]
  if (version === undefined || !Number.isSafeInteger(Number(version))) {
    throw new FirehouseError('INVALID_ARGUMENT', `Invalid argument: If-Match ${ifMatchFault(value)}; send the case's version in double quotes (If-Match: "3")`)
  }
  return Number(version)
}

function ifMatchFault(value: string): string {
  if (value === '*') return '* is not taken'
  if (value.startsWith('W/')) return 'takes no weak entity tag (W/)'
  if (value.includes(',')) return 'takes one version, not a list'
  return 'is not a version'
}

/** The authenticated caller of a write route (auth.ts sets it in onRequest). */
export function callerOf(request: FastifyRequest): NonNullable<FastifyRequest['caller']> {
  if (!request.caller) throw new Error('route reached without authentication')
  return request.caller
}
