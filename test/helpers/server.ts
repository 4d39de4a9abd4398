// Starts the real server on 127.0.0.1:0 over a fresh database, and builds tenants through the services.

import assert from 'node:assert/strict'
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { after } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { loadConfig, type Config } from '../../src/config.js'
import type { SurveyRecordInput } from '../../src/domain/survey-record.js'
import { buildServer } from '../../src/http/server.js'
import { createApiKey } from '../../src/service/api-keys.js'
import { createServiceContext, type ServiceContext } from '../../src/service/context.js'
import { importRecords } from '../../src/service/import-records.js'
import { createTenant, type NewTenantInput } from '../../src/service/tenants.js'
import { addUser } from '../../src/service/users.js'
import { openDatabase } from '../../src/store/database.js'
import { migrateToLatest } from '../../src/store/migrate.js'
import type { HostResolver } from '../../src/service/webhooks/settings.js'
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
  /** Serve this database (another server's) instead of a fresh one; it is left for its owner to drop. */
  database?: TestDatabase
  /** How webhook hosts resolve (the system's DNS by default). */
  resolveHost?: HostResolver
}

export async function startTestServer(kind: TestDatabaseKind, options: TestServerOptions = {}): Promise<TestServer> {
  const database = options.database ?? (await kind.create())
  const config = loadConfig({ FIREHOUSE_DB: database.url, FIREHOUSE_LOG_LEVEL: 'silent', FIREHOUSE_RATE_LIMIT: '0', ...options.env })
  const store = await openDatabase(config.db)
  await migrateToLatest(store.db)
  const ctx = createServiceContext(store, options.now)
  const app = buildServer({ config, ctx, resolveHost: options.resolveHost })
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
      if (!options.database) await database.drop()
    },
  }
}

/**
 * One server per database kind for a whole test file, for suites whose tests each need only a tenant
 * of their own: started by the first test that asks for it, closed (its database dropped) after the
 * file's last test. Starting a server costs about a second (a fresh database, the migrations and
 * Fastify compiling every route's schemas), two on PostgreSQL, which in a file of short tests was
 * most of its time. Call it at the file's top level; the tests stay independent by making their
 * tenants with `uniqueSlug`, since every read and write is scoped to a tenant. A test that needs a
 * server of its own (a clock, settings, the only tenant, a database it breaks) still starts one.
 */
export function serverPerFile(options: Omit<TestServerOptions, 'database'> = {}): (kind: TestDatabaseKind) => Promise<TestServer> {
  const servers = new Map<string, Promise<TestServer>>()
  after(async () => {
    for (const server of servers.values()) await (await server).close()
  })
  return (kind) => {
    if (!servers.has(kind.name)) servers.set(kind.name, startTestServer(kind, options))
    return servers.get(kind.name)!
  }
}

let slugs = 0

/** A tenant slug no other test of this process uses: `acme-1`, `acme-2`, … */
export function uniqueSlug(base = 'acme'): string {
  return `${base}-${++slugs}`
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

/** A survey record with only its CG-ID and NPS score, as imports take it. */
export function surveyRecord(cgid: number, nps: number): SurveyRecordInput {
  return { numberCustomergauge: cgid, nps, comment: null, account: null, email: null, firstName: null, lastName: null, dateCreation: null, extra: {} }
}

/** Creates a tenant with a key, users and records through the services (never by hand-written SQL). */
export async function createTestTenant(ctx: ServiceContext, fixture: TenantFixture): Promise<TestTenant> {
  await createTenant(ctx, { region: 'eu', ...fixture })
  for (const email of fixture.users ?? []) await addUser(ctx, fixture.slug, email)
  const records = (fixture.records ?? []).map((cgid) => surveyRecord(cgid, fixture.detractors?.includes(cgid) ? 3 : 9))
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

/** The answer formats of the v4.1 surface, chosen by the path's extension. */
export const WIRE_FORMATS = ['json', 'xml'] as const
export type WireFormat = (typeof WIRE_FORMATS)[number]

export const WIRE_CONTENT_TYPES: Record<WireFormat, string> = {
  json: 'application/json; charset=utf-8',
  xml: 'application/xml; charset=utf-8',
}

/** The workflow path that answers in `format`. */
export function workflowUrl(server: Pick<TestServer, 'url'>, format: WireFormat = 'json'): string {
  return `${server.url}/v4.1/workflow.${format}`
}

// What an answer must never carry: a stack frame, SQL or the engine's name, a file path.
const LEAKS: readonly RegExp[] = [
  /\bat .*\.[cm]?[jt]s:\d/,
  /\.ts:\d/,
  /sqlite/i,
  /\b(select|insert into|update \w+ set|delete from|no such table)\b/i,
  /(^|[\s"'(])\/(work|tmp|home|usr|var|root|src|node_modules)\//,
  /[A-Za-z]:\\/,
  /firehouse\.db/,
]

/** Fails when an answer's text leaks internals (SPEC §1: no stack trace, SQL or file path). */
export function assertNoLeak(text: string): void {
  for (const leak of LEAKS) assert.doesNotMatch(text, leak, `the answer leaks internals: ${text.slice(0, 300)}`)
}

/** Checks an answer's status, exact Content-Type and leak-free body; returns the body. */
export async function readAnswer(response: Response, status: number, format: WireFormat): Promise<string> {
  const text = await response.text()
  assertNoLeak(text)
  assert.equal(response.status, status, `expected HTTP ${status}, got ${response.status}: ${text.slice(0, 300)}`)
  assert.equal(response.headers.get('content-type'), WIRE_CONTENT_TYPES[format])
  return text
}

const XML_ERROR = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error><Message>([^<]*)<\/Message><Code>(\d+)<\/Code><\/Error>$/

/** Asserts a v4.1 error answer (status, Content-Type, envelope, code) and returns its Message. */
export async function expectError(response: Response, status: number, code: number, format: WireFormat): Promise<string> {
  const text = await readAnswer(response, status, format)
  if (format === 'xml') {
    const match = XML_ERROR.exec(text)
    assert.ok(match, `not the XML error envelope: ${text.slice(0, 300)}`)
    assert.equal(Number(match[2]), code, `expected code ${code}: ${text.slice(0, 300)}`)
    return match[1] ?? ''
  }
  const body = JSON.parse(text) as { Error?: { Message?: unknown; Code?: unknown } }
  assert.deepEqual(Object.keys(body), ['Error'], `not the JSON error envelope: ${text.slice(0, 300)}`)
  assert.deepEqual(Object.keys(body.Error ?? {}), ['Message', 'Code'])
  assert.equal(body.Error?.Code, code, `expected code ${code}: ${text.slice(0, 300)}`)
  assert.equal(typeof body.Error?.Message, 'string')
  assert.notEqual(body.Error?.Message, '')
  return body.Error?.Message as string
}

/** Asserts the v4.1 success answer for `cgid`, byte for byte. */
export async function expectOk(response: Response, cgid: number, format: WireFormat = 'json'): Promise<void> {
  const text = await readAnswer(response, 200, format)
  const expected =
    format === 'xml'
      ? `<?xml version="1.0" encoding="UTF-8"?>\n<Data><number_customergauge>${cgid}</number_customergauge></Data>`
      : `{"Data":{"number_customergauge":${cgid}}}`
  assert.equal(text, expected)
}

/** A multipart/form-data body built by hand, so repeated fields and exact bytes reach the server. */
export function multipart(
  fields: ReadonlyArray<readonly [string, string | Uint8Array]>,
  boundary = 'firehouse-test-boundary-7MA4YWxk',
): { body: Uint8Array<ArrayBuffer>; contentType: string } {
  const parts = fields.map(([name, value]) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`),
      typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value),
      Buffer.from('\r\n'),
    ]),
  )
  const body = new Uint8Array(Buffer.concat([...parts, Buffer.from(`--${boundary}--\r\n`)]))
  return { body, contentType: `multipart/form-data; boundary=${boundary}` }
}

export interface RawAnswer {
  status: number
  headers: IncomingHttpHeaders
  text: string
}

/**
 * Sends a request through node:http, exactly as given: fetch would add a Content-Type to a body.
 * `freshConnection`: on a connection of its own rather than a kept-alive one.
 */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: Uint8Array | string; freshConnection?: boolean } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const agent = options.freshConnection ? false : undefined
    const request = httpRequest(url, { method: options.method ?? 'POST', headers: options.headers, agent }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }),
      )
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end(options.body)
  })
}

/** The raw answer as a fetch Response, so the same assertions apply to both clients. */
export function asResponse(raw: RawAnswer): Response {
  const headers = new Headers()
  for (const [name, value] of Object.entries(raw.headers)) {
    if (typeof value === 'string') headers.set(name, value)
  }
  return new Response(raw.text, { status: raw.status, headers })
}

/** A connection of the test's own to its database, beside the server's: to hold a lock or break a table. */
export interface SideConnection {
  exec: (statement: string) => Promise<void>
  close: () => Promise<void>
}

export async function openSideConnection(database: TestDatabase): Promise<SideConnection> {
  if (/^postgres(ql)?:\/\//i.test(database.url)) {
    const client = new pg.Client({ connectionString: database.url })
    // Errors surface through the queries; a connection dropped afterwards is not the test's failure.
    client.on('error', () => undefined)
    await client.connect()
    return { exec: async (statement) => void (await client.query(statement)), close: () => client.end() }
  }
  const sqlite = new BetterSqlite3(database.url, { timeout: 5_000 })
  return { exec: async (statement) => void sqlite.exec(statement), close: async () => void sqlite.close() }
}

/** The HTTP status of each v4.1 error code, as the SPEC §1 table gives it (written out, not imported). */
export const SPEC_HTTP_STATUS: Readonly<Record<number, number>> = {
  200000: 401,
  200001: 403,
  300000: 400,
  300001: 400,
  300002: 404,
  300003: 405,
  300004: 400,
  300005: 400,
  300006: 413,
  300007: 415,
  300008: 429,
  300009: 422,
  300010: 409,
  400011: 400,
  400200: 400,
  400201: 400,
  400202: 400,
  400203: 400,
  400204: 400,
  400205: 400,
  400206: 409,
  400207: 400,
  400300: 400,
  400301: 404,
  500000: 500,
  503000: 503,
}

/** expectError with the HTTP status the SPEC gives the code. */
export async function expectCode(response: Response, code: number, format: WireFormat = 'json'): Promise<string> {
  const status = SPEC_HTTP_STATUS[code]
  assert.ok(status, `no HTTP status for code ${code}`)
  return expectError(response, status, code, format)
}

export interface CallOptions {
  format?: WireFormat
  contentType?: string
  /** The query string, without '?'. */
  query?: string
  headers?: Record<string, string>
}

export type Call = (body: BodyInit | undefined, options?: CallOptions) => Promise<Response>

/** Sends v4.1 calls with one key; a string body is form-encoded unless a Content-Type is given. */
export function caller(server: Pick<TestServer, 'url'>, key: string): Call {
  return (body, options = {}) => {
    const query = options.query === undefined ? '' : `?${options.query}`
    const { contentType, headers } = options
    return post(`${workflowUrl(server, options.format)}${query}`, body, { key, contentType, headers })
  }
}
