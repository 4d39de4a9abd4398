// OAuth2 client credentials (SPEC §10, RFC 6749 §4.4): issue a bearer token, and resolve one to its caller.

import { randomBytes } from 'node:crypto'
import { FirehouseError } from '../domain/errors.js'
import { OAuthError } from '../domain/oauth-error.js'
import { findOAuthApp, findOAuthToken, insertOAuthToken, pruneOAuthTokens, type AppTenant } from '../store/oauth.js'
import type { Caller } from './api-keys.js'
import { isoNow, type ServiceContext } from './context.js'
import { secretMatches } from './oauth-apps.js'
import { sha256Hex } from './sha256.js'

/** How long a token is valid, in seconds (the answer's `expires_in`). */
export const TOKEN_LIFETIME_S = 3600
const TOKEN_BYTES = 32

/** A token request as the endpoint read it; the grant type is checked only once the client is known. */
export interface TokenRequest {
  clientId: string
  clientSecret: string
  grantType: string | undefined
  scope: string | undefined
}

export interface IssuedToken {
  accessToken: string
  expiresIn: number
}

/** Called once the client id names an app, before its secret is compared (the endpoint's rate limit). */
export type ClientThrottle = (clientId: string, tenant: AppTenant) => Promise<void>

export function hashToken(token: string): string {
  return sha256Hex(token)
}

/**
 * Issues a token: the client's credentials first (invalid_client whatever else is wrong), then the
 * grant type, then the scope. Expired tokens are deleted here, now and then, rather than by a timer.
 */
export async function issueToken(ctx: ServiceContext, request: TokenRequest, region: string, throttle: ClientThrottle): Promise<IssuedToken> {
  const found = await findOAuthApp(ctx.store.db, request.clientId)
  if (found) await throttle(found.app.id, found.tenant)
  // The secret is hashed and compared whatever was found, so an unknown id costs what a known one does.
  const secretOk = secretMatches(request.clientSecret, found?.app.secret_hash ?? '0'.repeat(64))
  if (!found || !secretOk) throw new OAuthError('invalid_client', 'Client authentication failed: unknown client or wrong secret')
  if (found.app.revoked_at !== null) throw new OAuthError('invalid_client', 'Client authentication failed: the app is revoked')
  if (found.tenant.region !== region) throw new OAuthError('invalid_client', 'Client authentication failed: the app is not valid in this region')
  if (request.grantType === undefined) throw new OAuthError('invalid_request', 'Missing grant_type: send grant_type=client_credentials')
  if (request.grantType !== 'client_credentials') {
    throw new OAuthError('unsupported_grant_type', 'Unsupported grant_type: only client_credentials is supported')
  }
  // RFC 6749 §3.3 would have a token of other scopes name them in the answer; refusing keeps the answer as SPEC §10 shows it.
  if (request.scope !== undefined) throw new OAuthError('invalid_scope', 'Unsupported scope: Firehouse tokens have no scopes; send no scope')
  const now = ctx.now()
  await pruneOAuthTokens(ctx.store.db, now.toISOString())
  const accessToken = `fht_${randomBytes(TOKEN_BYTES).toString('base64url')}`
  await insertOAuthToken(ctx.store.db, {
    token_hash: hashToken(accessToken),
    app_id: found.app.id,
    tenant_id: found.tenant.id,
    expires_at: new Date(now.getTime() + TOKEN_LIFETIME_S * 1000).toISOString(),
    created_at: now.toISOString(),
  })
  return { accessToken, expiresIn: TOKEN_LIFETIME_S }
}

/** Resolves a presented bearer token to its caller, or 200000 naming why it is refused. */
export async function authenticateToken(ctx: ServiceContext, token: string, region: string): Promise<Caller> {
  const grant = await findOAuthToken(ctx.store.db, hashToken(token))
  if (!grant) throw new FirehouseError('INVALID_API_KEY', 'Invalid access token: unknown, or its app was revoked')
  if (grant.expiresAt <= isoNow(ctx)) throw new FirehouseError('INVALID_API_KEY', 'Expired access token: request a new one')
  if (grant.tenant.region !== region) throw new FirehouseError('INVALID_API_KEY', 'Access token is not valid in this region')
  const actor = `app:${grant.appId}`
  // One rate-limit bucket per app, whichever of its tokens is used; never admin (SPEC §10).
  return { tenantId: grant.tenant.id, actor, bucketId: actor, rateLimit: grant.tenant.rate_limit, admin: false }
}
