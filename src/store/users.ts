// Queries on a tenant's users, whose e-mail is unique per tenant, case-insensitively.

import type { Kysely } from 'kysely'
import { FirehouseError } from '../domain/errors.js'
import type { Database, NewUser, User } from './database.js'

export async function insertUser(db: Kysely<Database>, user: NewUser): Promise<void> {
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
    .executeTakeFirstOrThrow(unknownAssignee)
}

/** 400201: the assignee named is no active user of the tenant (SQLite's hot path refuses with it too). */
export function unknownAssignee(): FirehouseError {
  return new FirehouseError('UNKNOWN_ASSIGNEE', 'assigned_to is not an active user of this account')
}

/** The user with this e-mail (any case, active or not), or null. */
export async function findUserByEmail(db: Kysely<Database>, tenantId: string, email: string): Promise<User | null> {
  const user = await db
    .selectFrom('users')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('email_lower', '=', email.toLowerCase())
    .executeTakeFirst()
  return user ?? null
}

/** Changes one user's columns; 300001 when the tenant has no such user. Returns the user's id. */
export async function updateUser(
  db: Kysely<Database>,
  tenantId: string,
  email: string,
  changes: { active?: 0 | 1; password_hash?: string; role?: string },
): Promise<string> {
  const row = await db
    .updateTable('users')
    .set(changes)
    .where('tenant_id', '=', tenantId)
    .where('email_lower', '=', email.toLowerCase())
    .returning('id')
    .executeTakeFirst()
  if (!row) throw new FirehouseError('INVALID_ARGUMENT', `Unknown user: ${email.slice(0, 254)}`)
  return row.id
}
