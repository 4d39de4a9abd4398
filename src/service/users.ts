// Use cases for a tenant's users: the people a case can be assigned to.

import { randomUUID } from 'node:crypto'
import { FirehouseError } from '../domain/errors.js'
import type { User } from '../store/database.js'
import { deactivateUser as deactivateUserRow, insertUser, listUsers as listUserRows } from '../store/users.js'
import { isoNow, type ServiceContext } from './context.js'
import { getTenant } from './tenants.js'

const MAX_EMAIL_LENGTH = 254
const EMAIL = /^[^\s@]+@[^\s@]+$/

export interface UserInfo {
  email: string
  name: string | null
  active: boolean
  created_at: string
}

export async function addUser(ctx: ServiceContext, tenantSlug: string, email: string, name?: string): Promise<UserInfo> {
  const tenant = await getTenant(ctx, tenantSlug)
  const address = email.trim()
  if (address.length > MAX_EMAIL_LENGTH || !EMAIL.test(address)) {
    throw new FirehouseError('INVALID_ARGUMENT', `Not an e-mail address: ${address.slice(0, MAX_EMAIL_LENGTH)}`)
  }
  const user: User = {
    id: randomUUID(),
    tenant_id: tenant.id,
    email: address,
    email_lower: address.toLowerCase(),
    name: name?.slice(0, 200) ?? null,
    active: 1,
    created_at: isoNow(ctx),
  }
  try {
    await insertUser(ctx.store.db, user)
  } catch (error) {
    if (ctx.store.dialect.isUniqueViolation(error)) {
      throw new FirehouseError('INVALID_ARGUMENT', `User ${address} already exists in ${tenantSlug}`)
    }
    throw error
  }
  return toUserInfo(user)
}

export async function listUsers(ctx: ServiceContext, tenantSlug: string): Promise<UserInfo[]> {
  const tenant = await getTenant(ctx, tenantSlug)
  return (await listUserRows(ctx.store.db, tenant.id)).map(toUserInfo)
}

export async function deactivateUser(ctx: ServiceContext, tenantSlug: string, email: string): Promise<void> {
  const tenant = await getTenant(ctx, tenantSlug)
  await deactivateUserRow(ctx.store.db, tenant.id, email.trim())
}

function toUserInfo(user: User): UserInfo {
  return { email: user.email, name: user.name, active: user.active === 1, created_at: user.created_at }
}
