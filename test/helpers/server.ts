// Starts the real server on 127.0.0.1:0 over a fresh database, and builds tenants through the services.

import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { loadConfig, type Config } from '../../src/config.js'
import { buildServer } from '../../src/http/server.js'
import { createApiKey } from '../../src/service/api-keys.js'
import { createServiceContext, type ServiceContext } from '../../src/service/context.js'
import { importRecords } from '../../src/service/import-records.js'
import { createTenant, type NewTenantInput } from '../../src/service/tenants.js'
import { addUser } from '../../src/service/users.js'
import { openDatabase } from '../../src/store/database.js'
import { migrateToLatest } from '../../src/store/migrate.js'
import type { TestDatabase, TestDatabaseKind } from './databases.js'

export interface TestServer {
  url: string
  config: Config
  ctx: ServiceContext
  database: TestDatabase
  app: FastifyInstance
  close: () => Promise<void>
}

export interface TestServerOptions {
  env?: Record<string, string>
  /** The clock the services use; defaults to the real one. */
  now?: () => Date
}

export async function startTestServer(kind: TestDatabaseKind, options: TestServerOptions = {}): Promise<TestServer> {
  const database = await kind.create()
  const config = loadConfig({ FIREHOUSE_DB: database.url, FIREHOUSE_LOG_LEVEL: 'silent', FIREHOUSE_RATE_LIMIT: '0', ...options.env })
  const store = openDatabase(config.db)
  await migrateToLatest(store.db)
  const ctx = createServiceContext(store, options.now)
  const app = buildServer({ config, ctx })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    ctx,
    database,
    app,
    close: async () => {
      await app.close()
      await store.close()
      await database.drop()
    },
  }
}

export interface TestTenant {
  slug: string
  key: string
  keyId: string
}

export interface TenantFixture extends Partial<Omit<NewTenantInput, 'slug'>> {
  slug: string
  users?: string[]
  /** CG-IDs of records to create (nps 9 unless listed in `detractors`). */
  records?: number[]
  detractors?: number[]
}

/** Creates a tenant with a key, users and records through the services (never by hand-written SQL). */
export async function createTestTenant(ctx: ServiceContext, fixture: TenantFixture): Promise<TestTenant> {
  await createTenant(ctx, { region: 'eu', ...fixture })
  for (const email of fixture.users ?? []) await addUser(ctx, fixture.slug, email)
  const records = (fixture.records ?? []).map((cgid) => ({
    numberCustomergauge: cgid,
    nps: fixture.detractors?.includes(cgid) ? 3 : 9,
    comment: null,
    account: null,
    email: null,
    firstName: null,
    lastName: null,
    dateCreation: null,
    extra: {},
  }))
  if (records.length > 0) await importRecords(ctx, fixture.slug, records)
  const { key, info } = await createApiKey(ctx, fixture.slug, 'test')
  return { slug: fixture.slug, key, keyId: info.id }
}

export interface PostOptions {
  key?: string
  contentType?: string | null
  headers?: Record<string, string>
}

/** POSTs a raw body; `contentType: null` sends none. */
export async function post(url: string, body: BodyInit | undefined, options: PostOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers }
  if (options.key !== undefined) headers.authorization = `api_key ${options.key}`
  if (options.contentType) headers['content-type'] = options.contentType
  else if (options.contentType === undefined && typeof body === 'string') headers['content-type'] = 'application/x-www-form-urlencoded'
  return fetch(url, { method: 'POST', headers, body })
}

/** Form-encodes fields the way curl -d and most integrations do. */
export function form(fields: Record<string, string | number>): string {
  return new URLSearchParams(Object.entries(fields).map(([name, value]) => [name, String(value)])).toString()
}
