// Use cases for connected apps (SPEC §10): create (the secret shown once), list, revoke.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { FirehouseError } from '../domain/errors.js'
import type { OAuthApp } from '../store/database.js'
import { insertOAuthApp, listOAuthApps as listAppRows, revokeOAuthApp as revokeAppRow } from '../store/oauth.js'
import { isoNow, type ServiceContext } from './context.js'
import { sha256Hex } from './sha256.js'
import { getTenant } from './tenants.js'

const CLIENT_ID_BYTES = 16
/** 32 random bytes: too many to guess, so one SHA-256 (no slow hash) keeps it safe at rest. */
const SECRET_BYTES = 32
const MAX_NAME_LENGTH = 200

/** What an app's owner may see of it: never the secret, never its hash. */
export interface OAuthAppInfo {
  client_id: string
  name: string
  created_at: string
  revoked_at: string | null
}

export function hashSecret(secret: string): string {
  return sha256Hex(secret)
}

/** True when `secret` hashes to `hash`, compared in constant time. */
export function secretMatches(secret: string, hash: string): boolean {
  const given = createHash('sha256').update(secret).digest()
  const stored = Buffer.from(hash, 'hex')
  return stored.length === given.length && timingSafeEqual(given, stored)
}

/**
 * Creates an app for the tenant; the returned `clientSecret` is the only time it is ever shown.
 * Both use base64url's characters only, so a client that forgets to form-encode them for HTTP
 * Basic (RFC 6749 §2.3.1) sends the same text.
 */
export async function createOAuthApp(
  ctx: ServiceContext,
  tenantSlug: string,
  name: string,
): Promise<{ clientId: string; clientSecret: string; info: OAuthAppInfo }> {
  const tenant = await getTenant(ctx, tenantSlug)
  const clientSecret = `fhs_${randomBytes(SECRET_BYTES).toString('base64url')}`
  const row: OAuthApp = {
    id: `fhc_${randomBytes(CLIENT_ID_BYTES).toString('base64url')}`,
    tenant_id: tenant.id,
    name: checkName(name),
    secret_hash: hashSecret(clientSecret),
    created_at: isoNow(ctx),
    revoked_at: null,
  }
  await insertOAuthApp(ctx.store.db, row)
  return { clientId: row.id, clientSecret, info: toAppInfo(row) }
}

export async function listOAuthApps(ctx: ServiceContext, tenantSlug: string): Promise<OAuthAppInfo[]> {
  const tenant = await getTenant(ctx, tenantSlug)
  return (await listAppRows(ctx.store.db, tenant.id)).map(toAppInfo)
}

/** Revokes the tenant's app by its client id: its live tokens are refused from the next request on. */
export async function revokeOAuthApp(ctx: ServiceContext, tenantSlug: string, clientId: string): Promise<OAuthAppInfo> {
  const tenant = await getTenant(ctx, tenantSlug)
  const revokedAt = isoNow(ctx)
  await revokeAppRow(ctx.store.db, tenant.id, clientId, revokedAt)
  const app = (await listAppRows(ctx.store.db, tenant.id)).find((row) => row.id === clientId)
  if (!app) throw new Error('revoked app not found')
  return toAppInfo(app)
}

function checkName(name: string): string {
  const trimmed = name.trim()
  if (trimmed === '') throw new FirehouseError('MISSING_ARGUMENT', 'Missing argument: the app needs a name (--name)')
  if ([...trimmed].length > MAX_NAME_LENGTH) {
    throw new FirehouseError('INVALID_ARGUMENT', `Invalid argument: an app's name is at most ${MAX_NAME_LENGTH} characters`)
  }
  if (/[\p{Cc}]/u.test(trimmed)) throw new FirehouseError('INVALID_ARGUMENT', "Invalid argument: an app's name holds a control character")
  return trimmed
}

function toAppInfo(app: OAuthApp): OAuthAppInfo {
  return { client_id: app.id, name: app.name, created_at: app.created_at, revoked_at: app.revoked_at }
}
