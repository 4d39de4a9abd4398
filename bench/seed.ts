// Creates a benchmark database through the project's own services: a tenant, a user, a key, N records.

import { importRecords } from '../src/service/import-records.js'
import { createApiKey } from '../src/service/api-keys.js'
import { openServiceContext } from '../src/service/database.js'
import { createTenant } from '../src/service/tenants.js'
import { addUser } from '../src/service/users.js'
import { seedRecord } from './records.js'

export const BENCH_TENANT = 'bench'
export const BENCH_REGION = 'eu'
/** Records per import transaction while seeding. */
const SEED_CHUNK = 20_000

export interface SeededDatabase {
  /** The SQLite file or postgres:// URL. */
  db: string
  apiKey: string
  records: number
}

/** Migrates a fresh database and fills it; `records` 0 leaves just the tenant, user and key. */
export async function seedDatabase(db: string, records: number, progress?: (done: number) => void): Promise<SeededDatabase> {
  const ctx = await openServiceContext(db)
  try {
    await createTenant(ctx, { slug: BENCH_TENANT, name: 'Benchmark', region: BENCH_REGION })
    await addUser(ctx, BENCH_TENANT, 'agent@bench.example', 'Bench Agent')
    const { key } = await createApiKey(ctx, BENCH_TENANT, 'bench')
    for (let first = 1; first <= records; first += SEED_CHUNK) {
      const last = Math.min(records, first + SEED_CHUNK - 1)
      const chunk = Array.from({ length: last - first + 1 }, (_, i) => seedRecord(first + i))
      await importRecords(ctx, BENCH_TENANT, chunk)
      progress?.(last)
    }
    return { db, apiKey: key, records }
  } finally {
    await ctx.store.close()
  }
}

export const NEIGHBOUR_TENANT = 'neighbour'
/** The neighbour's record its calls read and change while another tenant imports. */
export const NEIGHBOUR_CGID = 5

/**
 * A second tenant in a seeded database, with a user, a key and a few records: another company
 * using the same server, whose calls are timed while the bench tenant imports (issue 17, target 4).
 */
export async function seedNeighbour(db: string): Promise<{ apiKey: string; assignee: string }> {
  const ctx = await openServiceContext(db)
  try {
    await createTenant(ctx, { slug: NEIGHBOUR_TENANT, name: 'Neighbour', region: BENCH_REGION })
    const assignee = 'agent@neighbour.example'
    await addUser(ctx, NEIGHBOUR_TENANT, assignee, 'Neighbour Agent')
    const { key } = await createApiKey(ctx, NEIGHBOUR_TENANT, 'bench')
    await importRecords(ctx, NEIGHBOUR_TENANT, Array.from({ length: 10 }, (_, i) => seedRecord(i + 1)))
    return { apiKey: key, assignee }
  } finally {
    await ctx.store.close()
  }
}

