// Starts a server under test as a child process, finds its address, samples its memory, stops it.

import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { registerCleanup } from './cleanup.js'
import { sampleRss, type RssSampler } from './rss-sampler.js'

const PROJECT = fileURLToPath(new URL('..', import.meta.url))
const FIREHOUSE_BIN = fileURLToPath(new URL('../bin/firehouse.js', import.meta.url))
const START_TIMEOUT_MS = 120_000
const STOP_GRACE_MS = 20_000
const LISTENING = /listening on (http:\/\/127\.0\.0\.1:\d+)/i

export interface BenchServer {
  /** What the table calls it, e.g. "firehouse" or "baseline". */
  name: string
  url: string
  pid: number
  rss: RssSampler
  stop(): Promise<void>
}

/** `firehouse serve` on a database, rate limit off, quiet logs, 127.0.0.1 only. */
export function startFirehouse(db: string, workers: number): Promise<BenchServer> {
  const args = [FIREHOUSE_BIN, 'serve', '--db', db, '--host', '127.0.0.1', '--port', '0', '--workers', String(workers)]
  return startServer(workers === 1 ? 'firehouse' : `firehouse ×${workers}`, args)
}

/**
 * `firehouse serve` of the build in `root` (this project's or another commit's, built), one
 * process, rate limit off, with its default log level as an operator runs it, 127.0.0.1 only.
 */
export function startFirehouseBuild(name: string, root: string, db: string): Promise<BenchServer> {
  const args = [join(root, 'bin', 'firehouse.js'), 'serve', '--db', db, '--host', '127.0.0.1', '--port', '0', '--workers', '1']
  return startServer(name, args, { FIREHOUSE_LOG_LEVEL: 'info' })
}

/** A baseline server of bench/baseline (`server.ts` for SQLite, `pg-server.ts` for PostgreSQL). */
export function startBaseline(script: 'server.ts' | 'pg-server.ts', db: string): Promise<BenchServer> {
  const path = fileURLToPath(new URL(`./baseline/${script}`, import.meta.url))
  return startServer('baseline', ['--import', 'tsx', path, '--db', db, '--port', '0'])
}

/**
 * The workplace's reference server (../shared/perf-reference, installed and seeded in `lab` as
 * compare.mjs does) as compare.mjs runs it: node:http, SQLite with synchronous=FULL, group commit
 * per tick. It serves a fresh copy of its seeded records at `dbfile` on `port`.
 */
export function startPerfReference(lab: string, dbfile: string, port: number): Promise<BenchServer> {
  const args = [join(lab, 'server.js'), '--http', 'node', '--db', 'sqlite', '--sync', 'FULL', '--group', 'tick', '--port', String(port), '--dbfile', dbfile]
  return startServer('reference', args, {}, { cwd: lab, ready: /ready \S+ pid=\d+ port=(\d+)/, address: (port) => `http://127.0.0.1:${port}` })
}

/** How a server says it listens: its line, and the address the line's first group gives. */
interface ReadyLine {
  cwd: string
  ready: RegExp
  address: (group: string) => string
}

const FIREHOUSE_READY: ReadyLine = { cwd: PROJECT, ready: LISTENING, address: (url) => url }

async function startServer(name: string, args: string[], env: Record<string, string> = {}, readyLine = FIREHOUSE_READY): Promise<BenchServer> {
  const child = spawn(process.execPath, args, {
    cwd: readyLine.cwd,
    env: { ...process.env, FIREHOUSE_RATE_LIMIT: '0', FIREHOUSE_LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const pid = child.pid
  if (pid === undefined) throw new Error(`${name}: could not start ${process.execPath}`)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  let output = ''
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000)
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  const rss = sampleRss(pid)
  // Workers (and their command lines) as last seen, so none outlives its primary.
  let family: { pid: number; cmdline: string }[] = []
  const remember = (): void => {
    family = rss.pids().map((member) => ({ pid: member, cmdline: cmdlineOf(member) }))
  }
  const stop = async (): Promise<void> => {
    remember()
    rss.stop()
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS)
    await exited
    clearTimeout(timer)
    killLeftovers(family.filter((member) => member.pid !== pid))
    unregister()
  }
  const unregister = registerCleanup(stop, () => {
    remember()
    child.kill('SIGKILL')
    killLeftovers(family.filter((member) => member.pid !== pid))
  })
  try {
    const url = await waitForAddress(child, () => output, readyLine)
    return { name, url, pid, rss, stop }
  } catch (error) {
    await stop()
    throw new Error(`${name} did not start: ${(error as Error).message}\n${output}`)
  }
}

function waitForAddress(child: ReturnType<typeof spawn>, output: () => string, { ready, address }: ReadyLine): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS)
    const check = (): void => {
      const match = ready.exec(output())
      if (!match) return
      clearTimeout(timer)
      resolve(address(match[1]!))
    }
    child.stdout!.on('data', check)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`exited (${signal ?? `code ${code}`}) before listening`))
    })
  })
}

function cmdlineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
  } catch {
    return ''
  }
}

/** Kills former children still alive, each by its pid, only if it is still the same program. */
function killLeftovers(members: { pid: number; cmdline: string }[]): void {
  for (const member of members) {
    if (member.cmdline === '' || cmdlineOf(member.pid) !== member.cmdline) continue
    try {
      process.kill(member.pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
}
