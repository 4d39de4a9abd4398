// The demo data `npm start` seeds into an empty database, so a newcomer has something to update.

import { randomBytes } from 'node:crypto'
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.js'
import type { ServiceContext } from './context.js'
import { importRecords } from './import-records.js'
import { countTenants } from '../store/tenants.js'
import { createTenant, listTenants } from './tenants.js'
import { addUser, setPassword } from './users.js'

export const DEMO_TENANT = 'demo'
const DEMO_KEY_LABEL = 'demo (npm start)'
const DEMO_USERS = [
  { email: 'des.patch@directness.net', name: 'Des Patch', role: 'admin' },
  { email: 'ann.swer@directness.net', name: 'Ann Swer', role: 'agent' },
]
const DEMO_RECORD_COUNT = 25

export type DemoOutcome =
  | {
      kind: 'seeded' | 'reused'
      key: string
      tenant: string
      exampleCgid: number
      exampleAssignee: string
      /** The board's sign-in: every demo user's e-mail and role, and their (fresh) shared password. */
      users: { email: string; role: string }[]
      password: string
    }
  | { kind: 'skipped' }

/**
 * On an empty database: a demo tenant, users, records and a key. On a database that already has
 * the demo tenant: a fresh key (the previous demo key is revoked, as its text was never stored).
 * Any other database is left alone.
 */
export async function seedDemo(ctx: ServiceContext, region: string): Promise<DemoOutcome> {
  const empty = (await countTenants(ctx.store.db)) === 0
  if (empty) await createDemoData(ctx, region)
  else if (!(await listTenants(ctx)).some((tenant) => tenant.slug === DEMO_TENANT && tenant.region === region)) {
    return { kind: 'skipped' }
  }
  for (const key of await listApiKeys(ctx, DEMO_TENANT)) {
    if (key.label === DEMO_KEY_LABEL && key.revoked_at === null) await revokeApiKey(ctx, DEMO_TENANT, key.id)
  }
  const { key } = await createApiKey(ctx, DEMO_TENANT, DEMO_KEY_LABEL)
  // Like the key, the password is new at every start: only its hash is kept.
  const password = `demo-${randomBytes(9).toString('base64url')}`
  for (const user of DEMO_USERS) await setPassword(ctx, DEMO_TENANT, user.email, password)
  return {
    kind: empty ? 'seeded' : 'reused',
    key,
    tenant: DEMO_TENANT,
    exampleCgid: 12,
    exampleAssignee: DEMO_USERS[0]!.email,
    users: DEMO_USERS.map(({ email, role }) => ({ email, role })),
    password,
  }
}

async function createDemoData(ctx: ServiceContext, region: string): Promise<void> {
  await createTenant(ctx, { slug: DEMO_TENANT, name: 'Demo company', region })
  for (const user of DEMO_USERS) await addUser(ctx, DEMO_TENANT, user.email, user.name, user.role)
  const records = Array.from({ length: DEMO_RECORD_COUNT }, (_, index) => {
    const cgid = index + 1
    return {
      numberCustomergauge: cgid,
      nps: (cgid * 7) % 11,
      comment: `Survey answer ${cgid}`,
      account: `Account ${(cgid % 5) + 1}`,
      email: `customer${cgid}@example.com`,
      firstName: 'Customer',
      lastName: String(cgid),
      dateCreation: '2026-11-27T10:00:00Z',
      extra: {},
    }
  })
  await importRecords(ctx, DEMO_TENANT, records)
}
