// Creates and drops the benchmark's own PostgreSQL databases (from a template, which copies fast).

import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { registerCleanup } from './cleanup.js'

/** A fresh, unused database name for this run. */
export function benchDatabaseName(role: string): string {
  return `firehouse_bench_${randomBytes(4).toString('hex')}_${role}`
}

/** The URL of another database on the same server as `adminUrl`. */
export function databaseUrl(adminUrl: string, name: string): string {
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return url.toString()
}

/** Creates the database (optionally as a copy of `template`) and registers its drop. */
export async function createDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  await admin(adminUrl, `CREATE DATABASE ${quote(name)}${template ? ` TEMPLATE ${quote(template)}` : ''}`)
  registerCleanup(() => dropDatabase(adminUrl, name))
  return databaseUrl(adminUrl, name)
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  await admin(adminUrl, `DROP DATABASE IF EXISTS ${quote(name)} WITH (FORCE)`)
}

async function admin(adminUrl: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end()
  }
}

function quote(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected database name ${name}`)
  return `"${name}"`
}
