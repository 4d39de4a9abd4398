// Use cases for a tenant's users: the people a case can be assigned to, who sign in to the board.

import { randomUUID } from 'node:crypto'
import { FirehouseError } from '../domain/errors.js'
import { isRole, normalizePassword, ROLES, type Role } from '../domain/people.js'
import type { User } from '../store/database.js'
import { deleteSessionsOfUser } from '../store/sessions.js'
import { insertUser, listUsers as listUserRows, updateUser } from '../store/users.js'
import { isoNow, type ServiceContext } from './context.js'
import { hashPassword } from './password-hash.js'
import { getTenant } from './tenants.js'

const MAX_EMAIL_LENGTH = 254
const EMAIL = /^[^\s@]+@[^\s@]+$/

export interface UserInfo {
  email: string
  name: string | null
  active: boolean
  role: Role
  /** Whether the user can sign in to the board (never the hash). */
  has_password: boolean
  created_at: string
}

export async function addUser(
  ctx: ServiceContext,
  tenantSlug: string,
  email: string,
  name?: string,
  role: string = 'agent',
): Promise<UserInfo> {
  const tenant = await getTenant(ctx, tenantSlug)
  const address = email.trim()
  if (address.length > MAX_EMAIL_LENGTH || !EMAIL.test(address)) {
    throw new FirehouseError('INVALID_ARGUMENT', `Not an e-mail address: ${address.slice(0, MAX_EMAIL_LENGTH)}`)
  }
  const user = {
    id: randomUUID(),
    tenant_id: tenant.id,
    email: address,
    email_lower: address.toLowerCase(),
    name: name?.trim().slice(0, 200) || null,
    active: 1 as const,
    created_at: isoNow(ctx),
    role: checkedRole(role),
  }
  try {
    await insertUser(ctx.store.db, user)
  } catch (error) {
    if (ctx.store.dialect.isUniqueViolation(error)) {
      throw new FirehouseError('INVALID_ARGUMENT', `User ${address} already exists in ${tenantSlug}`)
    }
    throw error
  }
  return toUserInfo({ ...user, password_hash: null })
}

export async function listUsers(ctx: ServiceContext, tenantSlug: string): Promise<UserInfo[]> {
  const tenant = await getTenant(ctx, tenantSlug)
  return (await listUserRows(ctx.store.db, tenant.id)).map(toUserInfo)
}

/** Deactivates the user and ends every session of theirs, on every node (sessions live in the database). */
export async function deactivateUser(ctx: ServiceContext, tenantSlug: string, email: string): Promise<void> {
  const tenant = await getTenant(ctx, tenantSlug)
  await ctx.store.db.transaction().execute(async (trx) => {
    const userId = await updateUser(trx, tenant.id, email.trim(), { active: 0 })
    await deleteSessionsOfUser(trx, userId)
  })
}

/** Sets a new password (10–256 characters, NFC) and ends the user's sessions. */
export async function setPassword(ctx: ServiceContext, tenantSlug: string, email: string, password: string): Promise<void> {
  const tenant = await getTenant(ctx, tenantSlug)
  const hash = await hashPassword(normalizePassword(password))
  await ctx.store.db.transaction().execute(async (trx) => {
    const userId = await updateUser(trx, tenant.id, email.trim(), { password_hash: hash })
    await deleteSessionsOfUser(trx, userId)
  })
}

export async function setRole(ctx: ServiceContext, tenantSlug: string, email: string, role: string): Promise<void> {
  const tenant = await getTenant(ctx, tenantSlug)
  await updateUser(ctx.store.db, tenant.id, email.trim(), { role: checkedRole(role) })
}

function checkedRole(role: string): Role {
  if (!isRole(role)) throw new FirehouseError('INVALID_ARGUMENT', `A role is one of ${ROLES.join(', ')} (got "${role.slice(0, 40)}")`)
  return role
}

function toUserInfo(user: Omit<User, 'id' | 'tenant_id' | 'email_lower'>): UserInfo {
  return {
    email: user.email,
    name: user.name,
    active: user.active === 1,
    role: isRole(user.role) ? user.role : 'agent',
    has_password: user.password_hash !== null,
    created_at: user.created_at,
  }
}
