// When a change happened (SPEC §9 "Back-dating"): how a `happened_at` is read, and when it is allowed.

import { parseIsoDateTime } from './date-time.js'
import { FirehouseError } from './errors.js'

/** How far ahead of the server's clock a `happened_at` may be (clocks of callers drift). */
export const MAX_HAPPENED_AHEAD_MS = 60_000

// The instants whose UTC form keeps a four-digit year, so that stored times still sort as text.
const FIRST_MS = Date.parse('0000-01-01T00:00:00.000Z')
const LAST_MS = Date.parse('9999-12-31T23:59:59.999Z')

/**
 * Reads a `happened_at` as sent (already trimmed) into its UTC form with milliseconds, the form
 * every time is stored in; undefined when malformed. Taken: ISO 8601 with a time and `Z` or an
 * offset, or `YYYY-MM-DD HH:MM:SS` (a space instead of `T`) without an offset, which is UTC (v7's
 * form). A date alone, or a `T` time without an offset, says nothing certain about the instant.
 */
export function parseHappenedAt(text: string): string | undefined {
  const parsed = parseIsoDateTime(text)
  if (!parsed || !parsed.hasTime) return undefined
  if (text[10] === 'T' && !parsed.hasOffset) return undefined
  if (parsed.epochMs < FIRST_MS || parsed.epochMs > LAST_MS) return undefined
  return new Date(parsed.epochMs).toISOString()
}

/** parseHappenedAt, or 400207. */
export function readHappenedAt(text: string): string {
  const happenedAt = parseHappenedAt(text)
  if (happenedAt === undefined) {
    throw new FirehouseError('INVALID_HAPPENED_AT', 'Invalid happened_at: not an ISO 8601 date-time with Z or an offset, nor YYYY-MM-DD HH:MM:SS')
  }
  return happenedAt
}

/**
 * Checks a given `happened_at` against the clock and the case's latest entry (null: no case yet):
 * 400207 when it is more than 60 s ahead of `now` or before that entry's `happened_at`.
 */
export function checkHappenedAt(happenedAt: string, now: string, latest: string | null): void {
  if (Date.parse(happenedAt) - Date.parse(now) > MAX_HAPPENED_AHEAD_MS) {
    throw new FirehouseError('INVALID_HAPPENED_AT', 'Invalid happened_at: more than 60 s in the future')
  }
  if (latest !== null && Date.parse(happenedAt) < Date.parse(latest)) {
    throw new FirehouseError('INVALID_HAPPENED_AT', `Invalid happened_at: before the case's latest entry (${latest})`)
  }
}

/** The `happened_at` of a write that gives none: the later of now and the case's latest entry's. */
export function defaultHappenedAt(now: string, latest: string | null): string {
  return latest !== null && Date.parse(latest) > Date.parse(now) ? latest : now
}
