// The database schema as Kysely types, and openDatabase(url): the one way to get a connection.

import { Kysely, sql, type Transaction } from 'kysely'
import { FirehouseError } from '../domain/errors.js'
import type { Generated, Insertable, Selectable } from 'kysely'
import { createPostgresDialect, createSqliteDialect, isPostgresUrl, type Dialect } from './dialect.js'

/** Booleans are stored as 0/1 integers, which both SQLite and PostgreSQL read the same way. */
export type Flag = 0 | 1

export interface TenantTable {
  id: string
  slug: string
  name: string
  region: string
  extended_statuses: Flag
  /** Workflow rules (SPEC §9), read with every write: see store/tenants.ts rulesOfRow. */
  rule_progressive: Generated<Flag>
  rule_comment_on_status_change: Generated<Flag>
  rule_comment_on_reassign: Generated<Flag>
  /** The auto-open NPS range; both null: no NPS rule. */
  auto_open_nps_min: Generated<number | null>
  auto_open_nps_max: Generated<number | null>
  /** A record field whose true value opens a case on import. */
  auto_open_field: Generated<string | null>
  /** Requests per second per API key; null: the server's default. */
  rate_limit: number | null
  /** The per-tenant change sequence: bumped by every write to one of the tenant's cases. */
  change_seq: Generated<number>
  created_at: string
  /** SLA targets the board's badges measure against (SPEC §7). */
  sla_follow_up_hours: Generated<number>
  sla_close_hours: Generated<number>
}

export interface ApiKeyTable {
  id: string
  tenant_id: string
  /** The first characters of the key, to recognise it in lists; never enough to use it. */
  prefix: string
  /** SHA-256 of the whole key, hex. The key itself is never stored. */
  hash: string
  label: string | null
  created_at: string
  revoked_at: string | null
  /** An admin key may change the tenant's settings (SPEC §9); made by `key create --admin`. */
  admin: Generated<Flag>
}

/** A connected app (SPEC §10): an OAuth2 client of one tenant; `id` is its client_id. */
export interface OAuthAppTable {
  id: string
  tenant_id: string
  name: string
  /** SHA-256 of the client secret, hex. The secret itself is never stored. */
  secret_hash: string
  created_at: string
  revoked_at: string | null
}

/** A bearer token issued to an app; valid until expires_at while its app is not revoked. */
export interface OAuthTokenTable {
  /** SHA-256 of the opaque token, hex. The token itself is never stored. */
  token_hash: string
  app_id: string
  tenant_id: string
  expires_at: string
  created_at: string
}

export interface UserTable {
  id: string
  tenant_id: string
  email: string
  email_lower: string
  name: string | null
  active: Flag
  created_at: string
  /** scrypt hash in PHC-like form; null: the user cannot sign in. */
  password_hash: Generated<string | null>
  role: Generated<string>
}

export interface SessionTable {
  /** SHA-256 of the session id, hex; the id itself lives only in the browser's cookie. */
  id_hash: string
  tenant_id: string
  user_id: string
  csrf_token: string
  created_at: string
  last_seen_at: string
}

export interface SignInFailureTable {
  account_key: string
  at: string
}

export interface RecordTable {
  tenant_id: string
  number_customergauge: number
  nps: number | null
  comment: string | null
  account: string | null
  email: string | null
  first_name: string | null
  last_name: string | null
  date_creation: string | null
  /** Any other fields of the survey response, as a JSON object. */
  extra: string
  created_at: string
  updated_at: string
}

export interface CaseTable {
  tenant_id: string
  number_customergauge: number
  status: string
  status_code: number | null
  status_label: string
  assigned_to: string | null
  opened_at: string
  followed_up_at: string | null
  closed_at: string | null
  /** When the latest change was recorded. */
  updated_at: string
  /** When the latest change happened: its history entry's happened_at (SPEC §9). */
  happened_at: string
  history_count: number
  /** The tenant's change sequence at this case's last change: the sync feed's order. */
  change_seq: number
}

export interface HistoryEntryTable {
  tenant_id: string
  number_customergauge: number
  seq: number
  /** When the change was recorded. */
  at: string
  /** When it happened: `at`, unless the write was back-dated (SPEC §9). */
  happened_at: string
  actor: string
  status_from: string | null
  status_to: string
  status_label_from: string | null
  status_label_to: string
  assigned_from: string | null
  assigned_to: string | null
  comment: string | null
  /**
   * The tenant's change sequence at this entry's change: the sync feed reads a tenant's cases in
   * this order (a case at the entry whose change_seq is the case's own). Null only for entries
   * written before it was kept that were not their case's latest.
   */
  change_seq: number | null
}

export interface StatusTable {
  tenant_id: string
  code: number
  label: string
  phase: string
}

export interface IdempotencyKeyTable {
  tenant_id: string
  key: string
  /** SHA-256 of the request's identity (tenant and the four field values). */
  request_hash: string
  /** The answer's data, as JSON, replayed on a retry. */
  response: string
  created_at: string
}

/** A secret of the installation (e.g. the cursor-signing key), shared by every node through the database. */
export interface ServerSecretTable {
  name: string
  secret: string
}

/** A tenant's webhook endpoint (SPEC §8). */
export interface WebhookEndpointTable {
  id: string
  tenant_id: string
  url: string
  description: string | null
  /** JSON arrays, as given. */
  events: string
  exclude_actors: string
  enabled: Flag
  disabled_reason: string | null
  secret: string
  /** The secret before the last rotation, still signing until `previous_secret_until`. */
  previous_secret: string | null
  previous_secret_until: string | null
  created_at: string
  updated_at: string
  enabled_at: string
  last_success_at: string | null
}

/** One event type (or '*') an endpoint wants, or one actor whose changes it is not sent. */
export interface WebhookEndpointFilterTable {
  endpoint_id: string
  kind: 'event' | 'exclude_actor'
  value: string
}

/** One event for one endpoint: the outbox row, written with the change, then its delivery state. */
export interface WebhookDeliveryTable {
  id: string
  tenant_id: string
  endpoint_id: string
  event_id: string
  event_type: string
  number_customergauge: number | null
  /** The history entry's seq (0 for a ping): a case's events go out in this order. */
  entry_seq: number
  event_at: string
  /** The event's `data` without the tenant, as JSON. */
  payload: string
  status: 'pending' | 'succeeded' | 'failed'
  attempt_count: number
  next_attempt_at: string
  /** The process attempting it now, and until when; another may take it over after that. */
  lease_owner: string | null
  lease_until: string | null
  created_at: string
  finished_at: string | null
}

export interface WebhookAttemptTable {
  delivery_id: string
  n: number
  at: string
  http_status: number | null
  error: string | null
  duration_ms: number
  /** The first 1 KiB of the answer. */
  response: string | null
}

export interface Database {
  tenants: TenantTable
  api_keys: ApiKeyTable
  oauth_apps: OAuthAppTable
  oauth_tokens: OAuthTokenTable
  users: UserTable
  records: RecordTable
  cases: CaseTable
  history_entries: HistoryEntryTable
  statuses: StatusTable
  idempotency_keys: IdempotencyKeyTable
  sessions: SessionTable
  sign_in_failures: SignInFailureTable
  server_secrets: ServerSecretTable
  webhook_endpoints: WebhookEndpointTable
  webhook_endpoint_filters: WebhookEndpointFilterTable
  webhook_deliveries: WebhookDeliveryTable
  webhook_attempts: WebhookAttemptTable
}

export type Tenant = Selectable<TenantTable>
export type NewTenant = Insertable<TenantTable>
export type ApiKey = Selectable<ApiKeyTable>
export type OAuthApp = Selectable<OAuthAppTable>
export type OAuthToken = Selectable<OAuthTokenTable>
export type User = Selectable<UserTable>
export type NewUser = Insertable<UserTable>
export type Session = Selectable<SessionTable>
export type SurveyRecord = Selectable<RecordTable>
export type Case = Selectable<CaseTable>
export type HistoryEntryRow = Selectable<HistoryEntryTable>
export type StatusRow = Selectable<StatusTable>
export type WebhookEndpoint = Selectable<WebhookEndpointTable>
export type WebhookDelivery = Selectable<WebhookDeliveryTable>
export type WebhookAttempt = Selectable<WebhookAttemptTable>

/** An open database: the Kysely instance and what differs between the two engines. */
export interface Store {
  db: Kysely<Database>
  dialect: Dialect
  close(): Promise<void>
}

export interface OpenOptions {
  /** PostgreSQL pool size. */
  poolSize?: number
  /** Told about errors of idle pooled connections (which are then replaced). */
  onPoolError?: (error: Error) => void
}

/**
 * Opens the database a URL names: a postgres:// URL, or a file path for embedded SQLite. Refuses
 * a database that would not make every commit durable.
 */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Store> {
  const dialect = isPostgresUrl(url)
    ? await createPostgresDialect(url, options.poolSize ?? 10, options.onPoolError ?? (() => undefined))
    : createSqliteDialect(url)
  const db = new Kysely<Database>({ dialect: dialect.kysely })
  try {
    await dialect.checkDurability()
  } catch (error) {
    await db.destroy()
    if (dialect.isUnavailable(error)) throw new FirehouseError('UNAVAILABLE', 'Cannot reach the database', { cause: error })
    throw error
  }
  return { db, dialect, close: () => db.destroy() }
}

/** A connection or an open transaction: store functions accept either. */
export type Db = Kysely<Database>
/** An open transaction. */
export type Tx = Transaction<Database>

/** Answers when the database can run a query at all (readiness). */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db)
}
