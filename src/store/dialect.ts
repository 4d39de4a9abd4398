// Everything that differs between database engines, as named capabilities and helpers.

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { SqliteDialect } from 'kysely'
import type { Dialect as KyselyDialect } from 'kysely'
import { FirehouseError } from '../domain/errors.js'

export interface Dialect {
  name: 'sqlite'
  /** The Kysely dialect that talks to the engine. */
  kysely: KyselyDialect
  /** True when an error means the database is busy or unreachable (answered 503000). */
  isUnavailable(error: unknown): boolean
  /** True when an error is a unique-constraint violation. */
  isUniqueViolation(error: unknown): boolean
  close(): Promise<void>
}

/** How long a writer waits for another process's write lock before giving up (503000). */
const SQLITE_BUSY_TIMEOUT_MS = 5_000
/** PRAGMA synchronous = FULL: every commit is fsynced before the answer (SPEC §1, docs/durability.md). */
const SQLITE_SYNCHRONOUS_FULL = 2

/** Opens an embedded SQLite file in WAL mode with synchronous=FULL, or refuses to. */
export function createSqliteDialect(file: string): Dialect {
  mkdirSync(dirname(file), { recursive: true })
  const database = new BetterSqlite3(file, { timeout: SQLITE_BUSY_TIMEOUT_MS })
  try {
    checkDurability(database, file)
  } catch (error) {
    database.close()
    throw error
  }
  database.pragma('foreign_keys = ON')
  return {
    name: 'sqlite',
    kysely: new SqliteDialect({ database }),
    isUnavailable: (error) => sqliteCode(error).startsWith('SQLITE_BUSY') || sqliteCode(error) === 'SQLITE_LOCKED',
    isUniqueViolation: (error) => sqliteCode(error).startsWith('SQLITE_CONSTRAINT_PRIMARYKEY') || sqliteCode(error) === 'SQLITE_CONSTRAINT_UNIQUE',
    close: async () => undefined, // Kysely's destroy() closes the better-sqlite3 handle.
  }
}

/** A 200 must mean the change reached the disk: WAL with synchronous=FULL, or no start. */
function checkDurability(database: BetterSqlite3.Database, file: string): void {
  const journalMode = database.pragma('journal_mode = WAL', { simple: true })
  database.pragma(`synchronous = ${SQLITE_SYNCHRONOUS_FULL}`)
  const synchronous = database.pragma('synchronous', { simple: true })
  if (journalMode !== 'wal' || synchronous !== SQLITE_SYNCHRONOUS_FULL) {
    throw new FirehouseError(
      'UNAVAILABLE',
      `Refusing to start: the database ${describeFile(file)} cannot run in WAL mode with synchronous=FULL (got journal_mode=${String(journalMode)}, synchronous=${String(synchronous)})`,
    )
  }
}

function describeFile(file: string): string {
  return file === ':memory:' || file === '' ? 'in memory' : 'file'
}

function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : ''
}
