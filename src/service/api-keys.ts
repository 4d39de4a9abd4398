// Use cases for API keys: create (shown once), list, revoke, and authenticate a request.

import { randomBytes, randomUUID } from 'node:crypto'
import { FirehouseError } from '../domain/errors.js'
import type { ApiKey } from '../store/database.js'
import { findKeyByHash, insertApiKey, listApiKeys as listKeyRows, revokeApiKey as revokeKeyRow } from '../store/api-keys.js'
import { isoNow, type ServiceContext } from './context.js'
import { sha256Hex } from './sha256.js'
import { getTenant } from './tenants.js'

const KEY_BYTES = 32
const SHOWN_PREFIX_LENGTH = 12
const MIN_REVOKE_PREFIX_LENGTH = 8
/** 'fh_' and 43 base64url characters for 32 bytes. */
const FULL_KEY_LENGTH = 3 + Math.ceil((KEY_BYTES * 4) / 3)

/** What a key's owner may see of it: never the key, never its hash. */
export interface ApiKeyInfo {
  id: string
  prefix: string
  label: string | null
  /** May change the tenant's settings (SPEC §9). */
  admin: boolean
  created_at: string
  revoked_at: string | null
}

/** Who a valid key or bearer token speaks for. */
export interface Caller {
  tenantId: string
  /** Who its changes are recorded as: `key:<key id>`, or `app:<client_id>` for a token (SPEC §10). */
  actor: string
  /** Its rate-limit bucket: the key's id, or `app:<client_id>` (all of an app's tokens share one). */
  bucketId: string
  /** The tenant's own rate limit, or null for the server's default. */
  rateLimit: number | null
  /** An admin key: it may change the tenant's settings (SPEC §9). Never a token. */
  admin: boolean
  /**
   * Set when the caller was remembered by this process (cached-callers.ts) and its key, which may
   * have been revoked since, was not looked up yet: how to look it up.
   */
  unconfirmedKey?: { hash: string; region: string } | undefined
}

/** The key as stored: its SHA-256, in hex. */
export function hashApiKey(key: string): string {
  return sha256Hex(key)
}

/** Creates a key for the tenant; the returned `key` is the only time it is ever shown. */
export async function createApiKey(
  ctx: ServiceContext,
  tenantSlug: string,
  label?: string,
  options: { admin?: boolean } = {},
): Promise<{ key: string; info: ApiKeyInfo }> {
  const tenant = await getTenant(ctx, tenantSlug)
  const key = `fh_${randomBytes(KEY_BYTES).toString('base64url')}`
  const row: ApiKey = {
    id: randomUUID(),
    tenant_id: tenant.id,
    prefix: key.slice(0, SHOWN_PREFIX_LENGTH),
    hash: hashApiKey(key),
    label: label?.slice(0, 200) ?? null,
    created_at: isoNow(ctx),
    revoked_at: null,
    admin: options.admin === true ? 1 : 0,
  }
  await insertApiKey(ctx.store.db, row)
  return { key, info: toKeyInfo(row) }
}

export async function listApiKeys(ctx: ServiceContext, tenantSlug: string): Promise<ApiKeyInfo[]> {
  const tenant = await getTenant(ctx, tenantSlug)
  return (await listKeyRows(ctx.store.db, tenant.id)).map(toKeyInfo)
}

/** Revokes the key named by its id or by a unique prefix (at least 8 characters) of the key. */
export async function revokeApiKey(ctx: ServiceContext, tenantSlug: string, idOrPrefix: string): Promise<ApiKeyInfo> {
  const tenant = await getTenant(ctx, tenantSlug)
  const keys = await listKeyRows(ctx.store.db, tenant.id)
  const key = pickKey(keys, idOrPrefix)
  await revokeKeyRow(ctx.store.db, tenant.id, key.id, isoNow(ctx))
  return toKeyInfo({ ...key, revoked_at: isoNow(ctx) })
}

function pickKey(keys: readonly ApiKey[], idOrPrefix: string): ApiKey {
  const byId = keys.find((key) => key.id === idOrPrefix)
  if (byId) return byId
  if (idOrPrefix.length < MIN_REVOKE_PREFIX_LENGTH) {
    throw new FirehouseError('INVALID_ARGUMENT', `Give the key id or at least ${MIN_REVOKE_PREFIX_LENGTH} characters of the key`)
  }
  const matches = keys.filter((key) => keyMatches(key, idOrPrefix))
  if (matches.length === 1 && matches[0]) return matches[0]
  throw new FirehouseError(
    'INVALID_ARGUMENT',
    matches.length === 0 ? `No key of this tenant matches ${idOrPrefix.slice(0, SHOWN_PREFIX_LENGTH)}` : 'The prefix matches more than one key; give more characters or the key id',
  )
}

/** A whole key matches by its hash; a shorter text by the characters it shares with the shown prefix. */
function keyMatches(key: ApiKey, given: string): boolean {
  if (given.length >= FULL_KEY_LENGTH) return hashApiKey(given) === key.hash
  const shared = Math.min(given.length, SHOWN_PREFIX_LENGTH)
  return key.prefix.slice(0, shared) === given.slice(0, shared)
}

function toKeyInfo(key: ApiKey): ApiKeyInfo {
  return { id: key.id, prefix: key.prefix, label: key.label, admin: key.admin === 1, created_at: key.created_at, revoked_at: key.revoked_at }
}

/** Resolves a presented key to its caller, or 200000 naming why it is refused. */
export async function authenticate(ctx: ServiceContext, presentedKey: string, region: string): Promise<Caller> {
  return authenticateHash(ctx, hashApiKey(presentedKey), region)
}

/** authenticate, for the key with this hash. */
export async function authenticateHash(ctx: ServiceContext, keyHash: string, region: string): Promise<Caller> {
  const found = await findKeyByHash(ctx.store.db, keyHash)
  if (!found) throw new FirehouseError('INVALID_API_KEY', 'Invalid API key')
  if (found.key.revoked_at !== null) throw new FirehouseError('INVALID_API_KEY', 'Revoked API key')
  if (found.tenant.region !== region) {
    throw new FirehouseError('INVALID_API_KEY', 'API key is not valid in this region')
  }
  const { id } = found.key
  return { tenantId: found.tenant.id, actor: `key:${id}`, bucketId: id, rateLimit: found.tenant.rate_limit, admin: found.key.admin === 1 }
}
