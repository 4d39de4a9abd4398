// This build against another commit, both served at the same time: what each spends in CPU per
// v4.1 update over all its threads, and the ratio of the two (issue 17).
// On these machines the same build moves by ±20 % in updates/s, and as much in CPU per update,
// from one run to the next, so runs taken one after the other cannot tell a change of 5 %. Served
// side by side, each with its own wrk, both meet the same machine: the ratio of their CPU per
// update moved by ±3 % where alternated runs moved by ±20 % (BENCHMARKS.md, "Ninth session").
//
//   npm run bench:side-by-side -- --against <commit|reference> [--rounds 3] [--seconds 8] [--connections 50] [--records 100000]
//
// `--against reference` serves the workplace's reference server instead of another commit
// (../shared/perf-reference, installed and seeded in a temporary directory as compare.mjs does, and
// run as compare.mjs runs it): the ratio of CPU per update is then target 1's gap without
// compare.mjs's swings, and each round also splits this build's CPU between its request thread
// and its other threads (the writer, the checkpoint thread, V8's helpers).
// The other commit is taken with `git archive` into a temporary directory and built there against
// this project's node_modules (so its dependencies must be those installed here). Each build seeds
// its own database through its own CLI, as compare.mjs does; each round serves fresh copies, warms
// both up for 3 s, then loads both at once and reads each server's CPU from /proc/<pid>/task/*/stat.
// Rounds alternate which server starts first. Needs `npm run build` and wrk (apt-get install wrk);
// load goes to 127.0.0.1 only.

import { execFileSync, spawn, spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createServer, type AddressInfo } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { installCleanupHandlers, registerCleanup, runCleanups } from './cleanup.js'
import { wholeFlag } from './options.js'
import { startFirehouseBuild, startPerfReference, type BenchServer } from './server-process.js'
import { writeUpdateScript, wrkInstalled } from './update-script.js'

const PROJECT = fileURLToPath(new URL('..', import.meta.url))
const WARMUP_S = 3
/** Clock ticks per second of /proc's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100
const TENANT = 'perf'
const ASSIGNEE = 'des.patch@directness.net'

const { values } = parseArgs({
  options: {
    against: { type: 'string' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '50' },
    records: { type: 'string', default: '100000' },
  },
})
if (values.against === undefined) {
  console.error('Usage: npm run bench:side-by-side -- --against <commit|reference> [--rounds 3] [--seconds 8] [--connections 50] [--records 100000]')
  process.exit(2)
}
const against = values.against
const rounds = wholeFlag('rounds', values.rounds)
const seconds = wholeFlag('seconds', values.seconds)
const connections = wholeFlag('connections', values.connections)
const records = wholeFlag('records', values.records)

/** A server under test: its name, the key its calls use, and how it serves a fresh copy of its records in `dir`. */
interface Contender {
  name: string
  apiKey: string
  serve(dir: string): Promise<BenchServer>
}

/** What one server did during the measured load. */
interface Measured {
  updatesPerSecond: number
  cpuMicrosPerUpdate: number
  /** Of that, its main thread's (the request thread of a firehouse build). */
  mainThreadMicrosPerUpdate: number
}

/** The reference server's key (server.js takes this one only). */
const REFERENCE_KEY = 'XXXXX'

/** The other commit, exported and built in `dir` against this project's node_modules. */
function buildCommit(commit: string, dir: string): string {
  const root = join(dir, 'other')
  mkdirSync(root)
  const archive = spawnSync('git', ['archive', '--format=tar', commit], { cwd: PROJECT, maxBuffer: 256 * 1024 * 1024 })
  if (archive.status !== 0) throw new Error(`git archive ${commit}: ${archive.stderr.toString().trim()}`)
  execFileSync('tar', ['-x', '-C', root], { input: archive.stdout })
  symlinkSync(join(PROJECT, 'node_modules'), join(root, 'node_modules'))
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' })
  return root
}

/**
 * The reference server, its files copied to `dir` (the shared directory may be read-only), its
 * dependencies installed and its records seeded there, as compare.mjs does.
 */
function referenceContender(dir: string): Contender {
  const shared = join(PROJECT, '..', 'shared', 'perf-reference')
  const lab = join(dir, 'reference')
  mkdirSync(lab)
  for (const file of ['server.js', 'seed.js', 'package.json']) copyFileSync(join(shared, file), join(lab, file))
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--silent'], { cwd: lab, stdio: 'ignore' })
  execFileSync(process.execPath, ['seed.js', 'sqlite', String(records)], { cwd: lab, stdio: 'ignore' })
  return {
    name: 'reference',
    apiKey: REFERENCE_KEY,
    // server.js copies its seeded records to the file it is given each time it starts.
    serve: async (roundDir) => startPerfReference(lab, join(roundDir, 'reference-round.db'), await freePort()),
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo
      probe.close(() => resolve(port))
    })
  })
}

/** A database for the build in `root`, made by its own CLI (its own schema): a tenant, a user, a key and the records. */
function seed(name: string, root: string, dir: string): Contender {
  const db = join(dir, `${name}.db`)
  const cli = (...args: string[]): string =>
    execFileSync(process.execPath, [join(root, 'bin', 'firehouse.js'), ...args, '--db', db], {
      cwd: root,
      env: { ...process.env, NO_COLOR: '1' },
      encoding: 'utf8',
    })
  cli('tenant', 'create', TENANT)
  const apiKey = cli('key', 'create', TENANT).trim().split('\n').pop()!.trim()
  cli('user', 'add', TENANT, ASSIGNEE)
  const file = join(dir, `${name}.ndjson`)
  writeFileSync(file, Array.from({ length: records }, (_, i) => JSON.stringify({ number_customergauge: i + 1, nps: 9 })).join('\n') + '\n')
  cli('records', 'import', TENANT, file)
  return {
    name,
    apiKey,
    serve(roundDir) {
      const copy = join(roundDir, `${name}-round.db`)
      for (const suffix of ['-wal', '-shm']) rmSync(copy + suffix, { force: true })
      copyFileSync(db, copy)
      return startFirehouseBuild(name, root, copy)
    },
  }
}

/** wrk against one server for `durationS`; resolves with the requests it completed. */
function wrk(server: BenchServer, apiKey: string, script: string, durationS: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${durationS}s`, '-s', script, server.url], {
      env: { ...process.env, AUTH: `api_key ${apiKey}` },
      stdio: ['ignore', 'pipe', 'ignore'],
    })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.once('error', reject)
    child.once('exit', () => {
      const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0)
      if (non2xx > 0) reject(new Error(`${server.name} answered ${non2xx} calls with other than 2xx`))
      else resolve(Number(/(\d+) requests in/.exec(out)?.[1] ?? 0))
    })
  })
}

/** CPU ticks (user and system) spent so far by every thread of a process, and by its main thread. */
function cpuTicks(pid: number): { all: number; main: number } {
  let all = 0
  let main = 0
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8')
    // The fields after the command name, which may hold spaces, start at its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const ticks = Number(fields[11]) + Number(fields[12])
    all += ticks
    if (Number(task) === pid) main = ticks
  }
  return { all, main }
}

/** One round: fresh copies of both databases, both served, warmed up, then loaded at once. */
async function round(contenders: readonly [Contender, Contender], dir: string, script: string): Promise<[Measured, Measured]> {
  const servers: BenchServer[] = []
  try {
    for (const contender of contenders) servers.push(await contender.serve(dir))
    await Promise.all(servers.map((server, i) => wrk(server, contenders[i]!.apiKey, script, WARMUP_S)))
    const before = servers.map((server) => cpuTicks(server.pid))
    const done = await Promise.all(servers.map((server, i) => wrk(server, contenders[i]!.apiKey, script, seconds)))
    const after = servers.map((server) => cpuTicks(server.pid))
    const microsPerUpdate = (ticks: number, requests: number): number => (ticks * 1e6) / TICKS_PER_SECOND / requests
    const measured = done.map((requests, i) => ({
      updatesPerSecond: requests / seconds,
      cpuMicrosPerUpdate: microsPerUpdate(after[i]!.all - before[i]!.all, requests),
      mainThreadMicrosPerUpdate: microsPerUpdate(after[i]!.main - before[i]!.main, requests),
    }))
    return [measured[0]!, measured[1]!]
  } finally {
    for (const server of servers) await server.stop()
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

if (!wrkInstalled()) {
  console.error('wrk is missing: apt-get install -y wrk')
  process.exit(1)
}
installCleanupHandlers()
const dir = mkdtempSync(join(tmpdir(), 'firehouse-side-by-side-'))
registerCleanup(() => rmSync(dir, { recursive: true, force: true }))
try {
  console.log(against === 'reference' ? 'Installing the reference server…' : `Building ${against}…`)
  const otherRoot = against === 'reference' ? null : buildCommit(against, dir)
  console.log(`Seeding ${records} records for each server…`)
  const mine = seed('this', PROJECT, dir)
  const other = otherRoot === null ? referenceContender(dir) : seed(against.slice(0, 12), otherRoot, dir)
  const script = writeUpdateScript(join(dir, 'update.lua'), records, ASSIGNEE)
  const ratios: number[] = []
  for (let i = 0; i < rounds; i++) {
    // Alternate which one starts first (and so which one's threads the kernel met first).
    const order: [Contender, Contender] = i % 2 === 0 ? [mine, other] : [other, mine]
    const measured = await round(order, dir, script)
    const [ours, theirs] = i % 2 === 0 ? measured : [measured[1], measured[0]]
    const ratio = ours.cpuMicrosPerUpdate / theirs.cpuMicrosPerUpdate
    ratios.push(ratio)
    console.log(
      `round ${i + 1}: this build ${Math.round(ours.updatesPerSecond)} updates/s, ${ours.cpuMicrosPerUpdate.toFixed(1)} µs of CPU per update ` +
        `(${ours.mainThreadMicrosPerUpdate.toFixed(1)} on its request thread); ` +
        `${other.name} ${Math.round(theirs.updatesPerSecond)} updates/s, ${theirs.cpuMicrosPerUpdate.toFixed(1)} µs; ratio ${ratio.toFixed(3)}`,
    )
  }
  console.log(`CPU per update, this build over ${other.name}: median ${median(ratios).toFixed(3)} over ${rounds} rounds (below 1: this build is cheaper)`)
} finally {
  await runCleanups()
}
