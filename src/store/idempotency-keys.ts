// Queries on idempotency keys: the stored first answer of a keyed request.

import type { Kysely } from 'kysely'
import type { Database } from './database.js'

export interface StoredAnswer {
  requestHash: string
  response: string
}

/** The answer stored for this key since `notBefore`, or undefined. */
export async function findIdempotencyKey(
  db: Kysely<Database>,
  tenantId: string,
  key: string,
  notBefore: string,
): Promise<StoredAnswer | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select(['request_hash', 'response'])
    .where('tenant_id', '=', tenantId)
    .where('key', '=', key)
    .where('created_at', '>=', notBefore)
    .executeTakeFirst()
  return row && { requestHash: row.request_hash, response: row.response }
}

/** Stores (or, for an expired key, replaces) the answer of a keyed request. */
export async function saveIdempotencyKey(
  db: Kysely<Database>,
  tenantId: string,
  key: string,
  answer: StoredAnswer,
  createdAt: string,
): Promise<void> {
  await db
    .insertInto('idempotency_keys')
    .values({ tenant_id: tenantId, key, request_hash: answer.requestHash, response: answer.response, created_at: createdAt })
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'key']).doUpdateSet({ request_hash: answer.requestHash, response: answer.response, created_at: createdAt }),
    )
    .execute()
}

export async function pruneIdempotencyKeys(db: Kysely<Database>, olderThan: string): Promise<number> {
  const result = await db.deleteFrom('idempotency_keys').where('created_at', '<', olderThan).executeTakeFirst()
  return Number(result.numDeletedRows)
}
