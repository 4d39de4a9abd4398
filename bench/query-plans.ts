// The query plans of the hot path on the seeded database: every lookup must be an index lookup.

import Database from 'better-sqlite3'
import pg from 'pg'
import { HOT_PATH } from './baseline/sqlite-sql.js'
import { UPDATE_WORKFLOW } from './baseline/pg-sql.js'

export interface QueryPlan {
  name: string
  plan: string[]
}

/** EXPLAIN QUERY PLAN of each SQLite hot-path statement (parameters bound to NULL). */
export function sqlitePlans(file: string): QueryPlan[] {
  const db = new Database(file, { readonly: true })
  try {
    return HOT_PATH.map(({ name, sql }) => {
      const names = [...sql.matchAll(/@(\w+)/g)].map((match) => match[1]!)
      const statement = db.prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
      const rows =
        names.length > 0
          ? statement.all(Object.fromEntries(names.map((param) => [param, null])))
          : statement.all(...Array.from({ length: (sql.match(/\?/g) ?? []).length }, () => null))
      return { name, plan: rows.length > 0 ? rows.map((row) => row.detail) : ['(no search: a write by primary key)'] }
    })
  } finally {
    db.close()
  }
}

/** EXPLAIN (not ANALYZE: it would write) of the PostgreSQL baseline's one statement. */
export async function postgresPlans(url: string): Promise<QueryPlan[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const params = ['0'.repeat(64), 'eu', 1, 'CLOSED', null, 'plan', new Date().toISOString()]
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${UPDATE_WORKFLOW}`, params)
    return [{ name: 'update workflow (one statement)', plan: rows.map((row) => row['QUERY PLAN']) }]
  } finally {
    await client.end()
  }
}

export function formatPlans(plans: readonly QueryPlan[]): string {
  return plans.map(({ name, plan }) => [`  ${name}:`, ...plan.map((line) => `    ${line}`)].join('\n')).join('\n')
}
