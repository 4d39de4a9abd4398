// The side-by-side check of issue 17: `../shared/perf-reference/compare.mjs` (wrk, 100 connections,
// durable v4.1 updates against the reference node:http + better-sqlite3 server), run as it is when
// the workplace's reference sits beside the project and wrk is installed. Its lines are kept as
// printed: the ratio, both rates and both p99s of every round.

import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { wrkInstalled } from './update-script.js'

export interface ReferenceFigure {
  /** The `rounds: …` line: project/reference updates/s and p99 per round. */
  rounds: string
  /** The `ratio=… project=… reference=…` line. */
  ratio: string
}

const TIMEOUT_MS = 10 * 60_000

/** Runs the comparison from `project` (built); null, with the reason logged, when it cannot run here. */
export function compareWithReference(project: string, log: (line: string) => void): ReferenceFigure | null {
  const script = resolve(project, '..', 'shared', 'perf-reference', 'compare.mjs')
  if (!existsSync(script)) return log('Reference comparison skipped: ../shared/perf-reference is not beside the project'), null
  if (!wrkInstalled()) return log('Reference comparison skipped: wrk is not installed (apt-get install wrk)'), null
  log('Reference comparison (issue 17): compare.mjs, wrk, 100 connections, 3 rounds')
  const run = spawnSync(process.execPath, [script], { cwd: project, encoding: 'utf8', timeout: TIMEOUT_MS })
  const lines = `${run.stdout ?? ''}`.split('\n')
  const rounds = lines.find((line) => line.startsWith('rounds:'))
  const ratio = lines.find((line) => line.startsWith('ratio='))
  if (!rounds || !ratio) return log(`Reference comparison failed: ${lines.filter(Boolean).at(-1) ?? 'no output'}`), null
  log(`  ${rounds}\n  ${ratio}`)
  return { rounds, ratio }
}
