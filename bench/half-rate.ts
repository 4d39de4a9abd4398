// Issue 17, target 2b: no request slower than 250 ms in a 30 s run at half the reference's rate.
// wrk sends the load (a Node generator at ~12 k requests/s takes the CPU the server needs): each of
// its connections waits a fixed delay after every answer, and the delay is calibrated so that the
// connections together send the rate asked for. `bench/paced-load.ts` paces from a timer instead,
// and stays `npm run bench`'s half-rate row at the lower rates it can send.
//
//   node --import tsx bench/half-rate.ts [--rate N] [--seconds 30] [--connections 100] [--records 100000]
//
// Without --rate it runs ../shared/perf-reference/compare.mjs first and takes half the reference's
// updates/s. Needs `npm run build` and wrk (apt-get install wrk). Load goes to 127.0.0.1 only.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { wholeFlag } from './options.js'
import { compareWithReference } from './reference.js'
import { BENCH_TENANT, seedDatabase } from './seed.js'
import { startFirehouse } from './server-process.js'
import { writeUpdateScript, wrkInstalled } from './update-script.js'

const PROJECT = fileURLToPath(new URL('..', import.meta.url))
/** The bound of target 2b. */
const SLOWEST_ALLOWED_MS = 250
const WARMUP_S = 3
const CALIBRATION_S = 5
const CALIBRATIONS = 2

const { values } = parseArgs({
  options: {
    rate: { type: 'string' },
    seconds: { type: 'string', default: '30' },
    connections: { type: 'string', default: '100' },
    records: { type: 'string', default: '100000' },
  },
})
const seconds = wholeFlag('seconds', values.seconds)
const connections = wholeFlag('connections', values.connections)
const records = wholeFlag('records', values.records)

/** What one wrk run measured. */
interface WrkFigures {
  rate: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  non2xx: number
}

function halfTheReference(): number {
  const figure = compareWithReference(PROJECT, (line) => console.log(line))
  const reference = Number(/reference=(\d+)/.exec(figure?.ratio ?? '')?.[1])
  if (!Number.isFinite(reference) || reference <= 0) {
    console.error('No reference rate: give --rate')
    process.exit(1)
  }
  return Math.round(reference / 2)
}

function runWrk(url: string, script: string, apiKey: string, durationS: number, pauseMs: number): WrkFigures {
  const run = spawnSync('wrk', ['-t2', `-c${connections}`, `-d${durationS}s`, '--latency', '-s', script, url], {
    env: { ...process.env, AUTH: `api_key ${apiKey}`, PAUSE_MS: String(pauseMs) },
    encoding: 'utf8',
  })
  const out = run.stdout ?? ''
  const percentile = (label: string) => milliseconds(new RegExp(`^\\s*${label}%\\s+(\\S+)`, 'm').exec(out)?.[1])
  return {
    rate: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p50Ms: percentile('50'),
    p99Ms: percentile('99'),
    maxMs: milliseconds(/^\s*Latency\s+\S+\s+\S+\s+(\S+)/m.exec(out)?.[1]),
    non2xx: Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0),
  }
}

/** wrk's durations: 850.00us, 2.34ms, 1.20s, 1.00m. */
function milliseconds(text: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '')
  if (!match) return Number.NaN
  const factor = { us: 0.001, ms: 1, s: 1_000, m: 60_000 }[match[2] as 'us' | 'ms' | 's' | 'm']
  return Number(match[1]) * factor
}

/** The pause after each answer that makes `connections` connections send `rate` requests/s, given what the last run measured. */
function nextPause(rate: number, pauseMs: number, measured: WrkFigures): number {
  const cycleMs = (connections * 1000) / measured.rate
  const answerMs = Math.max(0, cycleMs - pauseMs)
  return Math.max(0, Math.round((connections * 1000) / rate - answerMs))
}

if (!wrkInstalled()) {
  console.error('wrk is missing: apt-get install -y wrk')
  process.exit(1)
}
const rate = values.rate === undefined ? halfTheReference() : wholeFlag('rate', values.rate)
const dir = mkdtempSync(join(tmpdir(), 'firehouse-half-rate-'))
try {
  console.log(`Seeding ${records} records…`)
  const seeded = await seedDatabase(join(dir, 'half-rate.db'), records)
  const server = await startFirehouse(seeded.db, 1)
  try {
    const script = writeUpdateScript(join(dir, 'paced.lua'), records, `agent@${BENCH_TENANT}.example`, { paced: true })
    runWrk(server.url, script, seeded.apiKey, WARMUP_S, 0)
    let pauseMs = Math.max(0, Math.round((connections * 1000) / rate) - 2)
    for (let i = 0; i < CALIBRATIONS; i++) pauseMs = nextPause(rate, pauseMs, runWrk(server.url, script, seeded.apiKey, CALIBRATION_S, pauseMs))
    const run = runWrk(server.url, script, seeded.apiKey, seconds, pauseMs)
    const met = run.maxMs <= SLOWEST_ALLOWED_MS && run.non2xx === 0
    console.log(
      `half rate: asked ${rate}/s, sent ${Math.round(run.rate)}/s for ${seconds} s over ${connections} connections ` +
        `(pause ${pauseMs} ms): p50 ${run.p50Ms.toFixed(2)} ms, p99 ${run.p99Ms.toFixed(2)} ms, max ${run.maxMs.toFixed(2)} ms, ` +
        `non-2xx ${run.non2xx}; no request over ${SLOWEST_ALLOWED_MS} ms: ${met ? 'yes' : 'no'}`,
    )
  } finally {
    await server.stop()
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}
