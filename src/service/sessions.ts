// Board sign-in (SPEC §7): the throttle, the decoy hash, and database-backed sessions.

import { randomBytes } from 'node:crypto'
import { MAX_PASSWORD_CODE_POINTS } from '../domain/people.js'
import {
  clearSignInFailures,
  deleteSession,
  findSession,
  insertSession,
  insertSignInFailure,
  listSignInFailures,
  touchSession,
  type SessionOwner,
} from '../store/sessions.js'
import { findTenantBySlugOrNull } from '../store/tenants.js'
import { findUserByEmail } from '../store/users.js'
import type { ServiceContext } from './context.js'
import { verifyPassword, type HashGate } from './password-hash.js'
import { sha256Hex } from './sha256.js'

export const MAX_FAILED_ATTEMPTS = 5
export const ATTEMPT_WINDOW_MS = 15 * 60 * 1000
/** A session ends after 12 hours without use, and 7 days after sign-in whatever happens. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000
export const SESSION_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000
/** last_seen_at is written at most this often: live polling must not write on every request. */
const TOUCH_EVERY_MS = 60 * 1000

export type SignInResult =
  | { outcome: 'signed-in'; sessionId: string }
  | { outcome: 'wrong' }
  | { outcome: 'throttled'; retryAfterS: number }

export interface Credentials {
  /** The server's region: a workspace of another region is unknown here (its data stays there). */
  region: string
  workspace: string
  email: string
  password: string
}

export type { SessionOwner }

/**
 * Checks the credentials; every wrong combination gives the same outcome after the same work. After
 * 5 failures for one workspace and e-mail within a sliding 15 minutes, even the right password is
 * refused until the oldest of them is 15 minutes old.
 */
export async function signIn(ctx: ServiceContext, gate: HashGate, credentials: Credentials): Promise<SignInResult> {
  const db = ctx.store.db
  const now = ctx.now()
  const accountKey = accountKeyOf(credentials)
  const failures = await listSignInFailures(db, accountKey, new Date(now.getTime() - ATTEMPT_WINDOW_MS).toISOString())
  if (failures.length >= MAX_FAILED_ATTEMPTS) {
    const retryAfterMs = Date.parse(failures[0]!) + ATTEMPT_WINDOW_MS - now.getTime()
    return { outcome: 'throttled', retryAfterS: Math.max(1, Math.ceil(retryAfterMs / 1000)) }
  }
  const user = await findSignInUser(ctx, credentials)
  const password = credentials.password.normalize('NFC')
  const tooLong = [...password].length > MAX_PASSWORD_CODE_POINTS
  const matches = await gate.run(async () => verifyPassword(user?.password_hash ?? (await gate.decoy()), tooLong ? '' : password))
  if (!user || !user.password_hash || tooLong || !matches) {
    await insertSignInFailure(db, accountKey, now.toISOString())
    return { outcome: 'wrong' }
  }
  await clearSignInFailures(db, accountKey, new Date(now.getTime() - ATTEMPT_WINDOW_MS).toISOString())
  const sessionId = randomBytes(32).toString('base64url')
  const at = now.toISOString()
  await insertSession(db, {
    id_hash: hashSessionId(sessionId),
    tenant_id: user.tenant_id,
    user_id: user.id,
    csrf_token: randomBytes(32).toString('base64url'),
    created_at: at,
    last_seen_at: at,
  })
  return { outcome: 'signed-in', sessionId }
}

async function findSignInUser(ctx: ServiceContext, credentials: Credentials) {
  const tenant = await findTenantBySlugOrNull(ctx.store.db, credentials.workspace.trim())
  if (!tenant || tenant.region !== credentials.region) return null
  const user = await findUserByEmail(ctx.store.db, tenant.id, credentials.email.trim())
  return user && user.active === 1 ? user : null
}

function accountKeyOf(credentials: Credentials): string {
  const identity = `${credentials.workspace.trim().toLowerCase()}\u0000${credentials.email.trim().toLowerCase()}`
  return sha256Hex(identity)
}

export function hashSessionId(sessionId: string): string {
  return sha256Hex(sessionId)
}

/** The live session a cookie names (its user still active), or null; ended sessions are deleted. */
export async function resolveSession(ctx: ServiceContext, sessionId: string): Promise<SessionOwner | null> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(sessionId)) return null
  const idHash = hashSessionId(sessionId)
  const owner = await findSession(ctx.store.db, idHash)
  if (!owner) return null
  const now = ctx.now().getTime()
  const idle = now - Date.parse(owner.session.last_seen_at)
  if (idle > SESSION_IDLE_MS || now - Date.parse(owner.session.created_at) > SESSION_MAX_AGE_MS) {
    await deleteSession(ctx.store.db, idHash)
    return null
  }
  if (idle > TOUCH_EVERY_MS) await touchSession(ctx.store.db, idHash, new Date(now).toISOString())
  return owner
}

export async function signOut(ctx: ServiceContext, sessionId: string): Promise<void> {
  await deleteSession(ctx.store.db, hashSessionId(sessionId))
}
