// Everything that differs between SQLite and PostgreSQL, as named capabilities and helpers.

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { PostgresDialect, SqliteDialect } from 'kysely'
import { preparedName } from './prepared-texts.js'
import { SQLITE_BUSY_TIMEOUT_MS } from './sqlite-busy-timeout.js'
import type { Dialect as KyselyDialect } from 'kysely'
import type pg from 'pg'
import { FirehouseError } from '../domain/errors.js'
import { withStatementCache } from './statement-cache.js'

export interface Dialect {
  name: 'sqlite' | 'postgres'
  /** The Kysely dialect that talks to the engine. */
  kysely: KyselyDialect
  /** Checks that a commit reaches the disk before it returns; refuses otherwise (docs/durability.md). */
  checkDurability(): Promise<void>
  /** True when an error means the database is busy or unreachable (answered 503000). */
  isUnavailable(error: unknown): boolean
  /** True when an error is a unique-constraint violation. */
  isUniqueViolation(error: unknown): boolean
  /** Connections in use and idle, for metrics; SQLite has one. */
  poolUsage(): { total: number; idle: number; waiting: number }
  /**
   * Whether concurrent writes should share one transaction (group commit). SQLite: yes — one
   * connection and one fsync per commit make the commit the bottleneck. PostgreSQL: no — a pool
   * commits in parallel, and a batch spanning tenants could lock their rows in different orders
   * on two nodes and deadlock.
   */
  groupCommit: boolean
  /**
   * Whether an update of an existing case reads it first and takes the tenant's change sequence in
   * the statement that writes it, guarded by its history count. PostgreSQL: yes — the tenant's row
   * lock, which every write of the tenant queues for, is then held for that one statement (which
   * commits by itself) rather than a whole transaction. SQLite: no — it has one writer at a time, and
   * a transaction that reads before it writes fails when another process commits in between
   * (SQLITE_BUSY_SNAPSHOT).
   */
  guardedCaseWrites: boolean
  /** SQLite's open handle, on which the writer thread prepares its hot path's statements; absent on PostgreSQL. */
  sqlite?: BetterSqlite3.Database
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url)
}

/** PRAGMA synchronous = FULL: every commit is fsynced before it returns. */
const SQLITE_SYNCHRONOUS_FULL = 2

/** Opens an embedded SQLite file in WAL mode with synchronous=FULL. */
export function createSqliteDialect(file: string): Dialect {
  mkdirSync(dirname(file), { recursive: true })
  const database = new BetterSqlite3(file, { timeout: SQLITE_BUSY_TIMEOUT_MS })
  const journalMode = database.pragma('journal_mode = WAL', { simple: true })
  database.pragma(`synchronous = ${SQLITE_SYNCHRONOUS_FULL}`)
  database.pragma('foreign_keys = ON')
  return {
    name: 'sqlite',
    kysely: new SqliteDialect({ database: withStatementCache(database) }),
    async checkDurability() {
      const synchronous = database.pragma('synchronous', { simple: true })
      if (journalMode !== 'wal' || synchronous !== SQLITE_SYNCHRONOUS_FULL) {
        throw refuse(`journal_mode=${String(journalMode)}, synchronous=${String(synchronous)}; WAL with synchronous=FULL (2) is required`)
      }
    },
    isUnavailable: (error) => /^SQLITE_(BUSY|LOCKED)/.test(errorCode(error)),
    isUniqueViolation: (error) => /^SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)$/.test(errorCode(error)),
    poolUsage: () => ({ total: 1, idle: 1, waiting: 0 }),
    groupCommit: true,
    guardedCaseWrites: false,
    sqlite: database,
  }
}

/** A connection attempt gives up after this long, so a request never hangs on a dead database. */
const PG_CONNECT_TIMEOUT_MS = 3_000
/**
 * How long a request may queue for a pooled connection. Longer than a connection attempt: a burst
 * of writes to one tenant serialises on its lock and queues behind it, and must not turn into
 * 503s while the database is healthy; a dead database still fails fast, at connect.
 */
const PG_POOL_WAIT_MS = 20_000
/** A statement is cancelled after this long (a lock held by a stuck client, a lost connection). */
const PG_STATEMENT_TIMEOUT_MS = 10_000
const PG_INT8_OID = 20

// SQLSTATE classes that mean "the database is not reachable right now": connection exceptions,
// insufficient resources, operator intervention (shutdown, restart), lock timeouts and cancels.
const PG_UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-4]|55P03|57014)/
const NETWORK_ERROR = /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN)$/
const PG_DRIVER_UNAVAILABLE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended/

/** Opens a pool of `poolSize` connections to PostgreSQL (the driver is loaded only then: ~15 MB). */
export async function createPostgresDialect(url: string, poolSize: number, onPoolError: (error: Error) => void): Promise<Dialect> {
  const { default: pg } = await import('pg')
  // CG-IDs, change sequences and counts are BIGINT, never above 2^53 − 1: this pool reads them as
  // numbers (the one conversion; other pg users in the process keep the driver's default).
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === PG_INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
  }
  // pg-pool applies one `connectionTimeoutMillis` to both queueing and connecting: the pool gets
  // the queueing bound, and each client its own, shorter, connect bound.
  class BoundedConnectClient extends pg.Client {
    constructor(config?: pg.ClientConfig) {
      super({ ...config, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS })
    }

    // Kysely sends (text, values); a template's text goes as a named statement, which the
    // connection parses once and then only binds and executes (prepared-texts.ts).
    override query(...args: unknown[]): never {
      const [text, values] = args
      const name = args.length === 2 && typeof text === 'string' && Array.isArray(values) ? preparedName(text) : undefined
      const query = super.query as (...queryArgs: unknown[]) => never
      return name === undefined ? query.apply(this, args) : query.call(this, { name, text, values })
    }
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    connectionTimeoutMillis: PG_POOL_WAIT_MS,
    statement_timeout: PG_STATEMENT_TIMEOUT_MS,
    // PostgreSQL caches the plan of a foreign-key check per connection; one made while a table was
    // small keeps scanning it as it grows (an import slowed quadratically, then hit the statement
    // timeout). Custom plans are re-planned for the table as it is, at a few microseconds a check.
    options: '-c plan_cache_mode=force_custom_plan',
    types,
    Client: BoundedConnectClient,
  })
  // An idle client losing its connection (a database restart) must not kill the process.
  pool.on('error', onPoolError)
  return {
    name: 'postgres',
    kysely: new PostgresDialect({ pool }),
    async checkDurability() {
      const settings = await pool.query<{ name: string; setting: string }>(
        "select name, setting from pg_settings where name in ('fsync', 'synchronous_commit')",
      )
      const off = settings.rows.filter((row) => row.setting !== 'on' && !(row.name === 'synchronous_commit' && row.setting === 'remote_apply'))
      if (off.length > 0) throw refuse(off.map((row) => `${row.name}=${row.setting}`).join(', ') + '; fsync and synchronous_commit must be on')
    },
    isUnavailable: (error) =>
      PG_UNAVAILABLE_SQLSTATE.test(errorCode(error)) ||
      NETWORK_ERROR.test(errorCode(error)) ||
      PG_DRIVER_UNAVAILABLE.test(errorMessage(error)),
    isUniqueViolation: (error) => errorCode(error) === '23505',
    poolUsage: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    groupCommit: false,
    guardedCaseWrites: true,
  }
}

function refuse(reason: string): FirehouseError {
  return new FirehouseError('UNAVAILABLE', `Refusing to start: the database would not make every commit durable (${reason})`)
}

function errorCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : ''
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : ''
}
