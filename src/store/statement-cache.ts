// Prepares each SQL text once per SQLite connection: Kysely's driver prepares every query anew.

import type { SqliteDatabase, SqliteStatement } from 'kysely'

/**
 * Distinct SQL texts kept prepared. The hot paths use a few dozen; texts that vary with their
 * input (multi-row inserts, IN lists) come and go without growing the cache past this.
 */
const MAX_CACHED_STATEMENTS = 500

interface PreparingDatabase {
  close(): void
  prepare(sql: string): SqliteStatement
}

/**
 * Wraps a better-sqlite3 database so that `prepare` returns the statement prepared earlier for
 * the same text, least recently used evicted first. Safe because Kysely runs one query at a time
 * on the connection, and SQLite re-prepares a statement by itself when the schema changes.
 */
export function withStatementCache(database: PreparingDatabase): SqliteDatabase {
  const prepared = new Map<string, SqliteStatement>()
  return {
    close: () => database.close(),
    prepare(sql) {
      const cached = prepared.get(sql)
      if (cached) {
        // Re-inserting moves the text to the end: the Map's order is the recency order.
        prepared.delete(sql)
        prepared.set(sql, cached)
        return cached
      }
      const statement = database.prepare(sql)
      prepared.set(sql, statement)
      if (prepared.size > MAX_CACHED_STATEMENTS) prepared.delete(prepared.keys().next().value as string)
      return statement
    },
  }
}
