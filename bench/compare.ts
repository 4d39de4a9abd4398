// One comparison: firehouse and its baseline on copies of one database, loaded in alternation.

import { runLoad, type LoadResult } from './load.js'
import { runPacedLoad } from './paced-load.js'
import type { BenchServer } from './server-process.js'

export interface ComparisonPlan {
  /** e.g. "SQLite", "SQLite, --workers 2", "PostgreSQL". */
  label: string
  records: number
  apiKey: string
  startFirehouse: () => Promise<BenchServer>
  startBaseline: () => Promise<BenchServer>
}

export interface LoadSettings {
  concurrencies: number[]
  durationS: number
  warmupS: number
  repeat: number
  halfRate: boolean
}

export interface Row {
  server: string
  concurrency: number
  /** Set on the runs at a fixed rate (half the maximum measured at the highest concurrency). */
  targetRate?: number
  result: LoadResult
  /** This server's updates/s over the baseline's at the same concurrency (full-speed rows). */
  ratio?: number
}

export interface ComparisonResult {
  label: string
  records: number
  rows: Row[]
  /** Peak resident memory under load, per server, in bytes (sum over its processes). */
  peakRss: { server: string; totalBytes: number | null; processBytes: number | null }[]
}

/** Starts both servers, alternates the load between them at each concurrency, stops both. */
export async function runComparison(plan: ComparisonPlan, settings: LoadSettings, log: (line: string) => void): Promise<ComparisonResult> {
  const servers = [await plan.startFirehouse(), await plan.startBaseline()] as const
  try {
    for (const server of servers) server.rss.reset()
    const rows: Row[] = []
    for (const concurrency of settings.concurrencies) {
      const runs = new Map<BenchServer, LoadResult[]>(servers.map((server) => [server, []]))
      for (let round = 0; round < settings.repeat; round++) {
        for (const server of servers) runs.get(server)!.push(await measure(server, plan, settings, concurrency, log))
      }
      const [mine, theirs] = servers.map((server) => median(runs.get(server)!))
      rows.push({ server: servers[0].name, concurrency, result: mine!, ratio: mine!.updatesPerS / theirs!.updatesPerS })
      rows.push({ server: servers[1].name, concurrency, result: theirs!, ratio: 1 })
    }
    if (settings.halfRate) rows.push(...(await halfRateRows(servers, rows, plan, settings, log)))
    const peakRss = servers.map((server) => ({ server: server.name, ...server.rss.peak() }))
    return { label: plan.label, records: plan.records, rows, peakRss }
  } finally {
    for (const server of servers) await server.stop()
  }
}

/** Each server at half its own maximum rate (at the highest concurrency): the latency target. */
async function halfRateRows(servers: readonly BenchServer[], rows: Row[], plan: ComparisonPlan, settings: LoadSettings, log: (line: string) => void): Promise<Row[]> {
  const concurrency = Math.max(...settings.concurrencies)
  const halfRows: Row[] = []
  for (const server of servers) {
    const max = rows.find((row) => row.server === server.name && row.concurrency === concurrency)!.result.updatesPerS
    const targetRate = Math.max(1, Math.floor(max / 2))
    halfRows.push({ server: server.name, concurrency, targetRate, result: await measure(server, plan, settings, concurrency, log, targetRate) })
  }
  return halfRows
}

async function measure(
  server: BenchServer,
  plan: ComparisonPlan,
  settings: LoadSettings,
  connections: number,
  log: (line: string) => void,
  overallRate?: number,
): Promise<LoadResult> {
  const load = { url: server.url, apiKey: plan.apiKey, records: plan.records, connections }
  // A fixed rate is paced evenly (paced-load.ts); the maximum is autocannon's closed loop.
  const run = (durationS: number) =>
    overallRate === undefined ? runLoad({ ...load, durationS }) : runPacedLoad({ ...load, durationS, overallRate })
  if (settings.warmupS > 0) await run(settings.warmupS)
  const result = await run(settings.durationS)
  const rate = overallRate === undefined ? '' : ` at ${overallRate}/s`
  log(`  ${plan.label}: ${server.name}, ${connections} connections${rate}: ${Math.round(result.updatesPerS)} updates/s, p99 ${result.p99Ms.toFixed(1)} ms`)
  return result
}

/** The run with the median updates/s (its latencies come with it). */
function median(results: LoadResult[]): LoadResult {
  return [...results].sort((a, b) => a.updatesPerS - b.updatesPerS)[Math.floor((results.length - 1) / 2)]!
}
