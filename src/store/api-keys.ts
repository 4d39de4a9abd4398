// Queries on API keys, which are looked up by the SHA-256 hash of the key alone.

import type { Kysely } from 'kysely'
import { FirehouseError } from '../domain/errors.js'
import { compiledOnce } from './compiled-once.js'
import type { ApiKey, Database, Tenant } from './database.js'

export async function insertApiKey(db: Kysely<Database>, key: ApiKey): Promise<void> {
  await db.insertInto('api_keys').values(key).execute()
}

/** The key with this hash and its tenant, revoked or not; undefined when no key has it. */
export async function findKeyByHash(
  db: Kysely<Database>,
  hash: string,
): Promise<{ key: ApiKey; tenant: Pick<Tenant, 'id' | 'slug' | 'region' | 'rate_limit'> } | undefined> {
  const [row] = await selectKeyByHash(db, { hash })
  if (!row) return undefined
  const { slug, region, rate_limit, ...key } = row
  return { key, tenant: { id: key.tenant_id, slug, region, rate_limit } }
}

const selectKeyByHash = compiledOnce({ hash: true }, (db, key: { hash: string }) =>
  db
    .selectFrom('api_keys')
    .innerJoin('tenants', 'tenants.id', 'api_keys.tenant_id')
    .selectAll('api_keys')
    .select(['tenants.slug', 'tenants.region', 'tenants.rate_limit'])
    .where('api_keys.hash', '=', key.hash),
)

export async function listApiKeys(db: Kysely<Database>, tenantId: string): Promise<ApiKey[]> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
}

export async function revokeApiKey(
  db: Kysely<Database>,
  tenantId: string,
  keyId: string,
  revokedAt: string,
): Promise<void> {
  const result = await db
    .updateTable('api_keys')
    .set({ revoked_at: revokedAt })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  if (result.numUpdatedRows === 0n) {
    throw new FirehouseError('INVALID_ARGUMENT', 'The key is already revoked')
  }
}
