// Queries on board sessions (stored by the hash of their id) and on failed sign-in attempts.

import type { Kysely } from 'kysely'
import type { Database, Session } from './database.js'

export async function insertSession(db: Kysely<Database>, session: Session): Promise<void> {
  await db.insertInto('sessions').values(session).execute()
}

/** A session and the user and tenant it speaks for; only while the user is active. */
export interface SessionOwner {
  session: Session
  user: { id: string; email: string; name: string | null; role: string }
  tenant: { id: string; slug: string; name: string; region: string }
}

export async function findSession(db: Kysely<Database>, idHash: string): Promise<SessionOwner | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .innerJoin('tenants', 'tenants.id', 'sessions.tenant_id')
    .selectAll('sessions')
    .select([
      'users.email',
      'users.name as user_name',
      'users.role',
      'tenants.slug',
      'tenants.name as tenant_name',
      'tenants.region',
    ])
    .where('sessions.id_hash', '=', idHash)
    // Checked on every look-up, so a deactivated user is out on the next request on every node.
    .where('users.active', '=', 1)
    .executeTakeFirst()
  if (!row) return null
  const { email, user_name, role, slug, tenant_name, region, ...session } = row
  return {
    session,
    user: { id: session.user_id, email, name: user_name, role },
    tenant: { id: session.tenant_id, slug, name: tenant_name, region },
  }
}

export async function touchSession(db: Kysely<Database>, idHash: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: at }).where('id_hash', '=', idHash).execute()
}

export async function deleteSession(db: Kysely<Database>, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute()
}

export async function deleteSessionsOfUser(db: Kysely<Database>, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute()
}

export async function insertSignInFailure(db: Kysely<Database>, accountKey: string, at: string): Promise<void> {
  await db.insertInto('sign_in_failures').values({ account_key: accountKey, at }).execute()
}

/** The times of the account's failed attempts since `since`, oldest first. */
export async function listSignInFailures(db: Kysely<Database>, accountKey: string, since: string): Promise<string[]> {
  const rows = await db
    .selectFrom('sign_in_failures')
    .select('at')
    .where('account_key', '=', accountKey)
    .where('at', '>=', since)
    .orderBy('at')
    .execute()
  return rows.map((row) => row.at)
}

/** Forgets an account's failures (after a successful sign-in), and everyone's older than `before`. */
export async function clearSignInFailures(db: Kysely<Database>, accountKey: string, before: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where((eb) => eb.or([eb('account_key', '=', accountKey), eb('at', '<', before)])).execute()
}
