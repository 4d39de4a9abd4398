// v4.1 writes: the caller of an API key remembered by this process, so that the write checks the
// key itself (PostgreSQL's guarded write in its case read, SQLite's hot path on the writer thread
// in its transaction) instead of a look-up of its own before it.
//
// What a key says of its caller — its tenant, its id, admin or not, its tenant's region and rate
// limit — is set when the key and the tenant are created and never changes (a setting that could
// change would have to be read with the write, as the tenant's rules and statuses are); whether
// the key is still valid does, in any process. So a remembered caller is *unconfirmed*:
// the case read of PostgreSQL's guarded write checks the key in the same statement
// (update-workflow.ts), SQLite's hot path in the batch's transaction (hot-path.ts), every other
// write path looks the key up first, and an error answer is
// given only after the key was looked up again (routes/workflow-v41.ts), so that a revoked key is
// refused with 200000 on its next request in every process, never with another code.

import { authenticateHash, type Caller } from './api-keys.js'
import type { ServiceContext } from './context.js'

/** Enough for every key of a large deployment; the oldest is forgotten beyond it. */
const MAX_CALLERS = 10_000

interface Remembered {
  caller: Caller
  region: string
  /** How a recalled copy looks its key up; never changed, so every copy may share it. */
  key: { readonly hash: string; readonly region: string }
}

export interface CallerCache {
  /** The caller of this key hash in this region, unconfirmed; undefined when not remembered. */
  recall(keyHash: string, region: string): Caller | undefined
  remember(keyHash: string, caller: Caller, region: string): void
  forget(keyHash: string): void
}

export function createCallerCache(): CallerCache {
  const callers = new Map<string, Remembered>()
  return {
    recall(keyHash, region) {
      const found = callers.get(keyHash)
      if (!found || found.region !== region) return undefined
      return callerCopy(found.caller, found.key)
    },
    remember(keyHash, caller, region) {
      callers.delete(keyHash)
      if (callers.size >= MAX_CALLERS) callers.delete(callers.keys().next().value!)
      callers.set(keyHash, { caller: callerCopy(caller, undefined), region, key: Object.freeze({ hash: keyHash, region }) })
    },
    forget(keyHash) {
      callers.delete(keyHash)
    },
  }
}

/**
 * A caller's own copy, field by field (a request's of a remembered caller, a call's on the writer
 * thread), with its key to look up unless given: the object spread it replaces left V8 a copy of a
 * rest object to define, and under load that slow path was ~1.4 % of the request thread (issue 17).
 * Every field of Caller must be named here (the compiler holds the required ones).
 */
export function callerCopy(caller: Caller, unconfirmedKey: Caller['unconfirmedKey'] = caller.unconfirmedKey): Caller {
  return {
    tenantId: caller.tenantId,
    actor: caller.actor,
    bucketId: caller.bucketId,
    rateLimit: caller.rateLimit,
    admin: caller.admin,
    unconfirmedKey,
  }
}

/**
 * Looks an unconfirmed caller's key up in the database: 200000 (and forgotten) when it is no
 * longer valid, which then answers the request whatever else went wrong with it. A caller is one
 * request's own object: once confirmed it stays so for the rest of the request.
 */
export async function confirmCaller(ctx: ServiceContext, caller: Caller): Promise<void> {
  const key = caller.unconfirmedKey
  if (key === undefined) return
  try {
    await authenticateHash(ctx, key.hash, key.region)
  } catch (error) {
    ctx.callerCache?.forget(key.hash)
    throw error
  }
  caller.unconfirmedKey = undefined
}

/** After the write's own read found the key valid: the caller is confirmed for the rest of the request. */
export function keyConfirmed(caller: Caller): void {
  caller.unconfirmedKey = undefined
}
