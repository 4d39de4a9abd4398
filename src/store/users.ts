// Queries on a tenant's users, whose e-mail is unique per tenant, case-insensitively.

import type { Kysely } from 'kysely'
import { FirehouseError } from '../domain/errors.js'
import type { Database, User } from './database.js'

export async function insertUser(db: Kysely<Database>, user: User): Promise<void> {
  await db.insertInto('users').values(user).execute()
}

export async function listUsers(db: Kysely<Database>, tenantId: string): Promise<User[]> {
  return db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId).orderBy('email_lower').execute()
}

/** The active user with this e-mail (any case), or a 400201 error. */
export async function findActiveUser(db: Kysely<Database>, tenantId: string, email: string): Promise<User> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('email_lower', '=', email.toLowerCase())
    .where('active', '=', 1)
    .executeTakeFirstOrThrow(
      () => new FirehouseError('UNKNOWN_ASSIGNEE', 'assigned_to is not an active user of this account'),
    )
}

export async function deactivateUser(db: Kysely<Database>, tenantId: string, email: string): Promise<void> {
  const result = await db
    .updateTable('users')
    .set({ active: 0 })
    .where('tenant_id', '=', tenantId)
    .where('email_lower', '=', email.toLowerCase())
    .executeTakeFirst()
  if (result.numUpdatedRows === 0n) {
    throw new FirehouseError('INVALID_ARGUMENT', `Unknown user: ${email}`)
  }
}
