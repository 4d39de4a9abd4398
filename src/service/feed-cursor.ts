// The sync feed's opaque cursor: a point of the tenant's change sequence, bound to the query's filters.

import { createHash } from 'node:crypto'
import { FirehouseError } from '../domain/errors.js'

const VERSION = 'c1'
const CHECK_LENGTH = 16

/** Encodes "after change N" for a query with these filters; a client only stores and returns it. */
export function encodeCursor(afterSeq: number, filters: string): string {
  const payload = Buffer.from(JSON.stringify({ s: afterSeq, f: filters })).toString('base64url')
  return `${VERSION}.${payload}.${check(payload)}`
}

/** The change sequence a cursor of ours points after; 300001 for anything else. */
export function decodeCursor(cursor: string, filters: string): number {
  const [version, payload, checksum, ...rest] = cursor.split('.')
  if (version !== VERSION || !payload || checksum !== check(payload) || rest.length > 0) throw notOurs()
  let decoded: { s?: unknown; f?: unknown }
  try {
    decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof decoded
  } catch {
    throw notOurs()
  }
  if (!Number.isSafeInteger(decoded.s) || (decoded.s as number) < 0) throw notOurs()
  if (decoded.f !== filters) {
    throw new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: the cursor belongs to a query with other filters')
  }
  return decoded.s as number
}

// A checksum, not a signature: a forged cursor only names a point of the caller's own feed, so
// it needs no secret; the checksum turns a mangled or foreign cursor into a clear 300001.
function check(payload: string): string {
  return createHash('sha256').update(`${VERSION}.${payload}`).digest('base64url').slice(0, CHECK_LENGTH)
}

function notOurs(): FirehouseError {
  return new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: cursor is not one this server issued')
}
