// The sync feed's opaque cursor: a point of one tenant's change sequence, bound to that tenant and
// to the query's filters, and signed with the installation's secret (SPEC §5: a cursor that is not
// ours is 300001).

import { createHmac, timingSafeEqual } from 'node:crypto'
import { FirehouseError } from '../domain/errors.js'
import { findServerSecret } from '../store/server-secrets.js'
import type { ServiceContext } from './context.js'
import { withDatabase } from './transaction.js'

const VERSION = 'c2'
/** The unsigned cursors of earlier versions: refused with a message that says how to go on. */
const RETIRED_VERSION = 'c1'
/** 128 bits of HMAC-SHA256: forging one is out of reach, and the cursor stays short. */
const SIGNATURE_BYTES = 16
const SECRET_NAME = 'feed_cursor'

/** Where a cursor is valid: one tenant's feed, queried with one set of filters. */
export interface CursorScope {
  tenantId: string
  filters: string
}

/**
 * Signs and checks cursors with the database's secret. Every node of a deployment reads the same
 * secret, so a cursor from one node resumes on any other; the secret is read once per context.
 */
export interface CursorSigner {
  encode(afterSeq: number, scope: CursorScope): string
  /** The change sequence a cursor of ours points after; 300001 for anything else. */
  decode(cursor: string, scope: CursorScope): number
}

const signers = new WeakMap<ServiceContext, Promise<CursorSigner>>()

export function cursorSigner(ctx: ServiceContext): Promise<CursorSigner> {
  let signer = signers.get(ctx)
  if (!signer) {
    signer = loadSigner(ctx)
    // A failed read (database busy) is tried again by the next request, not remembered.
    signer.catch(() => signers.delete(ctx))
    signers.set(ctx, signer)
  }
  return signer
}

async function loadSigner(ctx: ServiceContext): Promise<CursorSigner> {
  const secret = await withDatabase(ctx, (db) => findServerSecret(db, SECRET_NAME))
  if (secret === null) throw new FirehouseError('INTERNAL', 'The cursor-signing secret is missing: run the migrations')
  return createCursorSigner(Buffer.from(secret, 'base64url'))
}

export function createCursorSigner(key: Buffer): CursorSigner {
  // The tenant is signed, not written: a cursor shows nobody which tenant it belongs to.
  const sign = (payload: string, scope: CursorScope): Buffer =>
    createHmac('sha256', key).update(`${VERSION}\0${scope.tenantId}\0${payload}`).digest().subarray(0, SIGNATURE_BYTES)
  return {
    encode(afterSeq, scope) {
      const payload = Buffer.from(JSON.stringify({ s: afterSeq, f: scope.filters })).toString('base64url')
      return `${VERSION}.${payload}.${sign(payload, scope).toString('base64url')}`
    },
    decode(cursor, scope) {
      const [version, payload, signature, ...rest] = cursor.split('.')
      if (version === RETIRED_VERSION) {
        throw new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: cursor is from an earlier version of this server; read the feed again without a cursor')
      }
      if (version !== VERSION || !payload || signature === undefined || rest.length > 0) throw notOurs()
      const given = Buffer.from(signature, 'base64url')
      const expected = sign(payload, scope)
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw notOurs()
      const decoded = parsePayload(payload)
      if (!Number.isSafeInteger(decoded.s) || (decoded.s as number) < 0) throw notOurs()
      if (decoded.f !== scope.filters) {
        throw new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: the cursor belongs to a query with other filters')
      }
      return decoded.s as number
    },
  }
}

function parsePayload(payload: string): { s?: unknown; f?: unknown } {
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { s?: unknown; f?: unknown }
  } catch {
    throw notOurs()
  }
}

function notOurs(): FirehouseError {
  return new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: cursor is not one this server issued')
}
