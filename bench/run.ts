// `npm run bench`: seeds, runs firehouse against the framework-free baselines, prints and saves the figures.

import { mkdirSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { installCleanupHandlers, registerCleanup, runCleanups } from './cleanup.js'
import type { LoadSettings } from './compare.js'
import { timeBoardPages } from './board-bench.js'
import { describeMachine, formatMachine } from './machine.js'
import { parseBenchOptions, USAGE, type BenchOptions } from './options.js'
import { compareWithReference } from './reference.js'
import { compareOnPostgres, compareOnSqlite, freshPostgresDatabase, removeDatabaseFiles, seedSqliteTemplate, timeImport } from './phases.js'
import { formatBoard, formatComparisons, formatImports, formatTargets, writeResults, type BenchResults } from './report.js'

const PROJECT = fileURLToPath(new URL('..', import.meta.url))
const log = (line: string): void => console.log(line)

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2))
  if (options === null) return console.log(USAGE)
  installCleanupHandlers()
  // On the project's disk, not a tmpfs /tmp: fsync cost is part of what is measured.
  const work = join(PROJECT, 'bench', 'results', `work-${process.pid}`)
  mkdirSync(work, { recursive: true })
  registerCleanup(() => rmSync(work, { recursive: true, force: true }))
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    machine: describeMachine(work),
    options,
    comparisons: [],
    imports: [],
    queryPlans: {},
    board: [],
  }
  log(`Machine\n${formatMachine(results.machine)}\n`)
  try {
    await runAll(options, work, results)
  } finally {
    await runCleanups()
  }
  log(`\n${formatComparisons(results.comparisons)}`)
  if (results.imports.length > 0) log(`\n${formatImports(results.imports)}`)
  if (results.board.length > 0) log(`\nBoard render times (issue 11)\n${formatBoard(results.board)}`)
  if (results.reference) log(`\nAgainst the reference server (issue 17; target ratio ≥ 0.85)\n  ${results.reference.rounds}\n  ${results.reference.ratio}`)
  log(`\nTargets (issue 6)\n${formatTargets(results)}`)
  writeResults(resolve(PROJECT, options.json), results)
  log(`\nResults written to ${options.json}`)
}

async function runAll(options: BenchOptions, work: string, results: BenchResults): Promise<void> {
  const settings: LoadSettings = {
    concurrencies: options.concurrencies,
    durationS: options.durationS,
    warmupS: options.warmupS,
    repeat: options.repeat,
    halfRate: options.halfRate,
  }
  // First, on a machine nothing of this run loads yet: wrk leaves the server the CPU (issue 17).
  if (options.reference) results.reference = compareWithReference(PROJECT, log)
  if (options.board) results.board = await timeBoardPages(work, log)
  const small = await seedSqliteTemplate(work, 'template', options.records, log)
  results.queryPlans.sqlite = small.plans
  results.comparisons.push(await compareOnSqlite(work, 'SQLite', small.seed, 1, settings, log))
  if (options.workers2) results.comparisons.push(await compareOnSqlite(work, 'SQLite, --workers 2', small.seed, 2, settings, log))
  removeDatabaseFiles(small.seed.db)
  if (options.big) {
    const big = await seedSqliteTemplate(work, 'template-big', options.bigRecords, log)
    results.queryPlans.sqliteBig = big.plans
    results.comparisons.push(await compareOnSqlite(work, 'SQLite, big', big.seed, 1, settings, log))
    removeDatabaseFiles(big.seed.db)
  }
  if (options.pg !== undefined) {
    const { result, plans } = await compareOnPostgres(options.pg, options.records, settings, log)
    results.comparisons.push(result)
    results.queryPlans.postgres = plans
  }
  if (options.import) {
    log(`Import: ${options.importRecords.toLocaleString('en')} records as NDJSON in ≤ 10 MiB chunks`)
    results.imports.push(await timeImport('SQLite', join(work, 'import.db'), options.importRecords, log))
    if (options.pg !== undefined) {
      results.imports.push(await timeImport('PostgreSQL', await freshPostgresDatabase(options.pg, 'import'), options.importRecords, log))
    }
  }
}

main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  await runCleanups()
  process.exitCode = 1
})
