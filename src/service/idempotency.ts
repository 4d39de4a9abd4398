// What an Idempotency-Key means (SPEC §1, "Beyond the original"), for every path that writes a
// keyed v4.1 call: the general path (update-workflow.ts) and SQLite's hot path (hot-path.ts).

import { FirehouseError } from '../domain/errors.js'
import type { CaseInput } from './change-decision.js'
import { sha256Hex } from './sha256.js'

/** How long a key's first answer is replayed. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000

/** The earliest time a stored key may have been saved at to be replayed at `now`. */
export function replayWindowStart(now: Date): string {
  return new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString()
}

/** A key as this process's set of keys in flight holds it: keys are per tenant. */
export function flightKey(tenantId: string, idempotencyKey: string): string {
  return `${tenantId}\u0000${idempotencyKey}`
}

export function keyInFlight(): FirehouseError {
  return new FirehouseError('IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is still being processed')
}

export function keyMismatch(): FirehouseError {
  return new FirehouseError('IDEMPOTENCY_KEY_MISMATCH', 'Idempotency-Key was already used with a different request')
}

/**
 * "The same request": the same tenant and the same non-empty values of the four fields, and the
 * same `happened_at` instant when one is given (appended only then: the hashes of calls without
 * one, keys stored before it existed included, stay as they were).
 */
export function hashRequest(tenantId: string, input: CaseInput): string {
  const identity = [tenantId, input.numberCustomergauge, input.status ?? '', input.comment ?? '', input.assignedTo ?? '']
  if (input.happenedAt !== undefined) identity.push(input.happenedAt)
  return sha256Hex(JSON.stringify(identity))
}

/** The answer stored with a key: what a replay answers. */
export function storedResponse(numberCustomergauge: number): string {
  return JSON.stringify({ number_customergauge: numberCustomergauge })
}

/** The CG-ID of a stored answer (storedResponse's text). */
export function replayedCgid(response: string): number {
  return (JSON.parse(response) as { number_customergauge: number }).number_customergauge
}
