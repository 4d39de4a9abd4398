// Queries on connected apps and their bearer tokens (SPEC §10); a token is looked up by its hash alone.

import type { Kysely } from 'kysely'
import { FirehouseError } from '../domain/errors.js'
import { compiledOnce } from './compiled-once.js'
import type { Database, OAuthApp, OAuthToken, Tenant } from './database.js'

export type AppTenant = Pick<Tenant, 'id' | 'region' | 'rate_limit'>

export async function insertOAuthApp(db: Kysely<Database>, app: OAuthApp): Promise<void> {
  await db.insertInto('oauth_apps').values(app).execute()
}

export async function listOAuthApps(db: Kysely<Database>, tenantId: string): Promise<OAuthApp[]> {
  return db.selectFrom('oauth_apps').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute()
}

/**
 * The app with this client_id and its tenant, revoked or not (the token endpoint's look-up: the
 * client id names its tenant, as a key's hash does); undefined when no app has it.
 */
export async function findOAuthApp(db: Kysely<Database>, clientId: string): Promise<{ app: OAuthApp; tenant: AppTenant } | undefined> {
  const row = await db
    .selectFrom('oauth_apps')
    .innerJoin('tenants', 'tenants.id', 'oauth_apps.tenant_id')
    .selectAll('oauth_apps')
    .select(['tenants.region', 'tenants.rate_limit'])
    .where('oauth_apps.id', '=', clientId)
    .executeTakeFirst()
  if (!row) return undefined
  const { region, rate_limit, ...app } = row
  return { app, tenant: { id: app.tenant_id, region, rate_limit } }
}

/** Revokes the tenant's app; its tokens stop working at once, as every look-up joins the app. */
export async function revokeOAuthApp(db: Kysely<Database>, tenantId: string, clientId: string, revokedAt: string): Promise<void> {
  const result = await db
    .updateTable('oauth_apps')
    .set({ revoked_at: revokedAt })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', clientId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  if (result.numUpdatedRows === 0n) {
    throw new FirehouseError('INVALID_ARGUMENT', 'No active app of this tenant has this client id')
  }
}

export async function insertOAuthToken(db: Kysely<Database>, token: OAuthToken): Promise<void> {
  await db.insertInto('oauth_tokens').values(token).execute()
}

/** Deletes the tokens that expired before `now` (they could only ever be refused). */
export async function pruneOAuthTokens(db: Kysely<Database>, now: string): Promise<void> {
  await db.deleteFrom('oauth_tokens').where('expires_at', '<=', now).execute()
}

/** What a presented token speaks for: found only while its app is not revoked. */
export interface TokenGrant {
  appId: string
  expiresAt: string
  tenant: AppTenant
}

/**
 * The token with this hash, joined with its app (not revoked, of the token's tenant) and tenant;
 * undefined when there is none. Read on every request, never cached: a revoke on any node is
 * seen by the next request on every other.
 */
export async function findOAuthToken(db: Kysely<Database>, tokenHash: string): Promise<TokenGrant | undefined> {
  const [row] = await selectToken(db, { tokenHash })
  if (!row) return undefined
  return { appId: row.app_id, expiresAt: row.expires_at, tenant: { id: row.tenant_id, region: row.region, rate_limit: row.rate_limit } }
}

const selectToken = compiledOnce({ tokenHash: true }, (db, token: { tokenHash: string }) =>
  db
    .selectFrom('oauth_tokens')
    .innerJoin('oauth_apps', (join) =>
      join.onRef('oauth_apps.id', '=', 'oauth_tokens.app_id').onRef('oauth_apps.tenant_id', '=', 'oauth_tokens.tenant_id'),
    )
    .innerJoin('tenants', 'tenants.id', 'oauth_tokens.tenant_id')
    .select(['oauth_tokens.app_id', 'oauth_tokens.tenant_id', 'oauth_tokens.expires_at', 'tenants.region', 'tenants.rate_limit'])
    .where('oauth_tokens.token_hash', '=', token.tokenHash)
    .where('oauth_apps.revoked_at', 'is', null),
)
