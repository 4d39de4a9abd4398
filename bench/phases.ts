// The parts of a run: seed a template, compare on SQLite or PostgreSQL, time an import.

import { copyFileSync, existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { runComparison, type ComparisonResult, type LoadSettings } from './compare.js'
import { runImport } from './import-bench.js'
import { benchDatabaseName, createDatabase, dropDatabase } from './pg-database.js'
import { formatPlans, postgresPlans, sqlitePlans, type QueryPlan } from './query-plans.js'
import { formatNeighbour, type ImportFigure } from './report.js'
import { seedDatabase, seedNeighbour, type SeededDatabase } from './seed.js'
import { startBaseline, startFirehouse } from './server-process.js'

export type Log = (line: string) => void

/** Seeds a SQLite file to copy from, and explains the hot path on it. */
export async function seedSqliteTemplate(work: string, name: string, records: number, log: Log): Promise<{ seed: SeededDatabase; plans: QueryPlan[] }> {
  const file = join(work, `${name}.db`)
  const seed = await timedSeed(file, records, log)
  const plans = sqlitePlans(file)
  log(`Query plans (SQLite, ${records.toLocaleString('en')} records):\n${formatPlans(plans)}`)
  return { seed, plans }
}

/** Firehouse (`--workers N`) against the SQLite baseline, each on its own copy of the template. */
export async function compareOnSqlite(work: string, label: string, seed: SeededDatabase, workers: number, settings: LoadSettings, log: Log): Promise<ComparisonResult> {
  const copies = ['firehouse', 'baseline'].map((role) => copyDatabase(seed.db, join(work, `${role}.db`)))
  try {
    return await runComparison(
      {
        label,
        records: seed.records,
        apiKey: seed.apiKey,
        startFirehouse: () => startFirehouse(copies[0]!, workers),
        startBaseline: () => startBaseline('server.ts', copies[1]!),
      },
      settings,
      log,
    )
  } finally {
    for (const copy of copies) removeDatabaseFiles(copy)
  }
}

/** The same on PostgreSQL: a seeded template database, and a copy of it for each server. */
export async function compareOnPostgres(adminUrl: string, records: number, settings: LoadSettings, log: Log): Promise<{ result: ComparisonResult; plans: QueryPlan[] }> {
  const templateName = benchDatabaseName('template')
  const seed = await timedSeed(await createDatabase(adminUrl, templateName), records, log)
  const [mine, theirs] = [await createDatabase(adminUrl, benchDatabaseName('firehouse'), templateName), await createDatabase(adminUrl, benchDatabaseName('baseline'), templateName)]
  const plans = await postgresPlans(theirs)
  log(`Query plans (PostgreSQL baseline):\n${formatPlans(plans)}`)
  const result = await runComparison(
    {
      label: 'PostgreSQL',
      records,
      apiKey: seed.apiKey,
      startFirehouse: () => startFirehouse(mine, 1),
      startBaseline: () => startBaseline('pg-server.ts', theirs),
    },
    settings,
    log,
  )
  await dropDatabase(adminUrl, templateName)
  return { result, plans }
}

/** Import throughput into an empty tenant of a fresh database, through the running server. */
export async function timeImport(database: string, db: string, records: number, log: Log): Promise<ImportFigure> {
  const seed = await seedDatabase(db, 0)
  const neighbour = await seedNeighbour(db)
  const server = await startFirehouse(db, 1)
  try {
    server.rss.reset()
    const figure = await runImport(server.url, seed.apiKey, records, neighbour)
    log(`  import ${database}: ${Math.round(figure.recordsPerS)} records/s; ${formatNeighbour(figure)}`)
    return { ...figure, database, peakRssBytes: server.rss.peak().totalBytes }
  } finally {
    await server.stop()
  }
}

export async function freshPostgresDatabase(adminUrl: string, role: string): Promise<string> {
  return createDatabase(adminUrl, benchDatabaseName(role))
}

async function timedSeed(db: string, records: number, log: Log): Promise<SeededDatabase> {
  const started = performance.now()
  let lastLog = started
  const seed = await seedDatabase(db, records, (done) => {
    if (performance.now() - lastLog < 10_000) return
    lastLog = performance.now()
    log(`  seeded ${done.toLocaleString('en')} of ${records.toLocaleString('en')} records…`)
  })
  log(`Seeded ${records.toLocaleString('en')} records in ${((performance.now() - started) / 1000).toFixed(1)} s`)
  return seed
}

function copyDatabase(from: string, to: string): string {
  removeDatabaseFiles(to)
  copyFileSync(from, to)
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`)
  return to
}

export function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true })
}
