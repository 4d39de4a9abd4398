// Queries on tenants.

import type { Kysely } from 'kysely'
import { FirehouseError } from '../domain/errors.js'
import type { Database, NewTenant, Tenant } from './database.js'

export async function insertTenant(db: Kysely<Database>, tenant: NewTenant): Promise<void> {
  await db.insertInto('tenants').values(tenant).execute()
}

export async function findTenantBySlug(db: Kysely<Database>, slug: string): Promise<Tenant> {
  return db
    .selectFrom('tenants')
    .selectAll()
    .where('slug', '=', slug)
    .executeTakeFirstOrThrow(() => new FirehouseError('INVALID_ARGUMENT', `Unknown tenant: ${slug}`))
}

export async function findTenantById(db: Kysely<Database>, tenantId: string): Promise<Tenant> {
  return db
    .selectFrom('tenants')
    .selectAll()
    .where('id', '=', tenantId)
    .executeTakeFirstOrThrow(() => new FirehouseError('INVALID_ARGUMENT', 'Unknown tenant'))
}

export async function listTenants(db: Kysely<Database>): Promise<Tenant[]> {
  return db.selectFrom('tenants').selectAll().orderBy('slug').execute()
}

export async function countTenants(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('tenants')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

/**
 * Advances the tenant's change sequence by `count` and returns the new (highest) value. As the
 * first write of a transaction it also takes the write lock, so the tenant's changes commit in
 * sequence order.
 */
export async function nextChangeSeq(db: Kysely<Database>, tenantId: string, count = 1): Promise<number> {
  const row = await db
    .updateTable('tenants')
    .set((eb) => ({ change_seq: eb('change_seq', '+', count) }))
    .where('id', '=', tenantId)
    .returning('change_seq')
    .executeTakeFirstOrThrow(() => new FirehouseError('INVALID_ARGUMENT', 'Unknown tenant'))
  return Number(row.change_seq)
}
