// The databases every store, service and HTTP suite runs against; each test gets a fresh one.

import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { ServiceContext } from '../../src/service/context.js'
import { openServiceContext } from '../../src/service/database.js'

export interface TestDatabase {
  /** The FIREHOUSE_DB value that opens it. */
  url: string
  /** Removes it (files or database) after the test. */
  drop: () => Promise<void>
}

export interface TestDatabaseKind {
  name: string
  create: () => Promise<TestDatabase>
}

const SQLITE: TestDatabaseKind = {
  name: 'sqlite',
  create: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'firehouse-test-'))
    return { url: join(dir, 'firehouse.db'), drop: async () => rmSync(dir, { recursive: true, force: true }) }
  },
}

/** Set by .ci/run (and by anyone with a PostgreSQL at hand); unset, the PostgreSQL half is skipped. */
export const TEST_PG_URL = process.env.FIREHOUSE_TEST_PG_URL

/** A fresh database on the server TEST_PG_URL names, dropped (connections and all) after the test. */
const POSTGRES: TestDatabaseKind = {
  name: 'postgres',
  create: async () => {
    const name = `firehouse_test_${randomBytes(6).toString('hex')}`
    await adminQuery(`create database ${name}`)
    const url = new URL(TEST_PG_URL!)
    url.pathname = `/${name}`
    return { url: url.toString(), drop: () => adminQuery(`drop database if exists ${name} with (force)`) }
  },
}

/** A PostgreSQL test database copied from another (which must have no open connection), dropped like it. */
export async function copyPostgresTestDatabase(original: TestDatabase): Promise<TestDatabase> {
  const name = `firehouse_test_${randomBytes(6).toString('hex')}`
  const url = new URL(original.url)
  await adminQuery(`create database ${name} template ${url.pathname.slice(1)}`)
  url.pathname = `/${name}`
  return { url: url.toString(), drop: () => adminQuery(`drop database if exists ${name} with (force)`) }
}

async function adminQuery(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

const ALL: TestDatabaseKind[] = TEST_PG_URL ? [SQLITE, POSTGRES] : [SQLITE]

/** Narrowed by FIREHOUSE_TEST_DBS=sqlite (comma-separated names). */
export const TEST_DATABASES: TestDatabaseKind[] = (() => {
  const wanted = process.env.FIREHOUSE_TEST_DBS?.split(',').map((name) => name.trim())
  return wanted ? ALL.filter((kind) => wanted.includes(kind.name)) : ALL
})()

/**
 * A fresh database of this kind, migrated and opened as a service context; closed and dropped
 * after the test.
 */
export async function openTestContext(
  t: { after: (fn: () => Promise<void>) => void },
  kind: TestDatabaseKind,
  options: Parameters<typeof openServiceContext>[1] = {},
): Promise<{ ctx: ServiceContext; database: TestDatabase }> {
  const database = await kind.create()
  const ctx = await openServiceContext(database.url, options)
  t.after(async () => {
    await ctx.store.close()
    await database.drop()
  })
  return { ctx, database }
}
