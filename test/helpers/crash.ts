// Crash testing against a real server process: raw HTTP with outcome classes, SIGKILL and restart, the Jepsen set check.

import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http'
import BetterSqlite3 from 'better-sqlite3'
import type { CaseJson } from '../../src/service/case-view.js'
import { isPostgresUrl } from '../../src/store/dialect.js'
import { spawnServer, type ServerProcess } from './process.js'

/** acked: HTTP 200 came back; failed: a definite error answer; info: no answer (the outcome is unknown). */
export type Outcome = 'acked' | 'failed' | 'info'

export interface Answer {
  status: number
  headers: IncomingHttpHeaders
  /** The body exactly as received. */
  body: Buffer
}

export interface SendOptions {
  method?: string
  headers?: Record<string, string>
  body?: string
  agent?: Agent
  /** A request without an answer by then counts as "info" (default 15 s). */
  timeoutMs?: number
  /** Called once the whole request has been handed to the socket (for a kill "in flight"). */
  onFlushed?: () => void
}

const DEFAULT_TIMEOUT_MS = 15_000

/** Sends one request over node:http; rejects on a connection error or timeout (no answer). */
export function send(url: string, options: SendOptions = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? 'POST', headers: options.headers, agent: options.agent }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }))
      response.on('error', reject)
      response.on('aborted', () => reject(new Error('answer aborted')))
    })
    request.setTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => request.destroy(new Error('request timed out')))
    request.on('error', reject)
    request.end(options.body, () => options.onFlushed?.())
  })
}

/** A form-encoded v4.1 update with `api_key` authorization. */
export function sendUpdate(
  serverUrl: string,
  key: string,
  fields: Record<string, string | number>,
  options: Omit<SendOptions, 'body'> = {},
): Promise<Answer> {
  const body = new URLSearchParams(Object.entries(fields).map(([name, value]) => [name, String(value)])).toString()
  return send(`${serverUrl}/v4.1/workflow.json`, {
    ...options,
    body,
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `api_key ${key}`, ...options.headers },
  })
}

/** The class of a request's outcome from its answer (or the lack of one). */
export async function classify(pending: Promise<Answer>): Promise<{ outcome: Outcome; answer?: Answer }> {
  try {
    const answer = await pending
    return { outcome: answer.status === 200 ? 'acked' : 'failed', answer }
  } catch {
    return { outcome: 'info' }
  }
}

/**
 * Servers spawned on one database, one at a time: `kill()` SIGKILLs the current one, `restart()`
 * starts the next and measures spawn → first 200 of an authenticated read. `stopAll()` is for t.after.
 */
export interface CrashableServer {
  current: () => ServerProcess
  kill: () => Promise<void>
  restart: () => Promise<{ listeningMs: number; firstOkMs: number }>
  stopAll: () => Promise<void>
}

/** How long a restart may take before the test gives up on it: generous, for a loaded 2-core machine. */
const RESTART_BOUND_MS = 60_000

export async function startCrashableServer(db: string, key: string, env: Record<string, string> = {}): Promise<CrashableServer> {
  const spawned: ServerProcess[] = []
  let stopped = false
  // A test that timed out keeps running: once stopAll ran, a server it spawns is killed at once.
  const spawn = async (): Promise<ServerProcess> => {
    const server = await spawnServer(db, { env })
    spawned.push(server)
    if (stopped) {
      await server.stop('SIGKILL')
      throw new Error('the crash test was stopped')
    }
    return server
  }
  let current = await spawn()
  return {
    current: () => current,
    kill: async () => {
      await current.stop('SIGKILL')
    },
    restart: async () => {
      const started = Date.now()
      current = await spawn()
      const listeningMs = Date.now() - started
      for (;;) {
        const answer = await send(`${current.url}/api/v1/cases?per_page=1`, { method: 'GET', headers: { authorization: `api_key ${key}` } }).catch(() => null)
        if (answer?.status === 200) break
        if (Date.now() - started > RESTART_BOUND_MS) throw new Error(`no 200 within ${RESTART_BOUND_MS} ms of the restart: ${answer?.status}`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      return { listeningMs, firstOkMs: Date.now() - started }
    },
    stopAll: async () => {
      stopped = true
      await Promise.all(spawned.map((server) => server.stop('SIGKILL')))
    },
  }
}

/** Every case of the tenant through the sync feed of the running server, history included. */
export async function readAllCases(serverUrl: string, key: string): Promise<CaseJson[]> {
  const cases: CaseJson[] = []
  let cursor: string | undefined
  for (;;) {
    const query = new URLSearchParams({ per_page: '1000', ...(cursor === undefined ? {} : { cursor }) })
    const answer = await send(`${serverUrl}/api/v1/cases?${query}`, { method: 'GET', headers: { authorization: `api_key ${key}` }, timeoutMs: 60_000 })
    if (answer.status !== 200) throw new Error(`reading cases answered ${answer.status}: ${answer.body.toString().slice(0, 300)}`)
    const page = JSON.parse(answer.body.toString('utf8')) as { data: CaseJson[]; next_cursor: string; end_of_stream: boolean }
    cases.push(...page.data)
    if (page.end_of_stream) return cases
    cursor = page.next_cursor
  }
}

/** Where a case's history breaks: seq not 1..n, or an entry's from ≠ the previous entry's to; null when whole. */
export function chainBreak(view: CaseJson): string | null {
  let previous: CaseJson['history'][number] | undefined
  for (const [index, entry] of view.history.entries()) {
    if (entry.seq !== index + 1) return `case ${view.number_customergauge}: entry ${index} has seq ${entry.seq}`
    const expected = previous ? [previous.status_to, previous.assigned_to] : [null, null]
    if (entry.status_from !== expected[0] || entry.assigned_from !== expected[1]) {
      return `case ${view.number_customergauge}, seq ${entry.seq}: from ${entry.status_from}/${entry.assigned_from}, previous to ${expected.join('/')}`
    }
    previous = entry
  }
  if (previous && (view.status !== previous.status_to || view.assigned_to !== previous.assigned_to)) {
    return `case ${view.number_customergauge}: state ${view.status}/${view.assigned_to} is not the last entry's ${previous.status_to}/${previous.assigned_to}`
  }
  return null
}

/** The Jepsen set check over every write attempted so far and every comment present. */
export interface SetCheck {
  acked: number
  info: number
  failed: number
  /** Acked but absent: must be 0. */
  lost: string[]
  /** Present but never attempted, or present more than once: must be 0. */
  unexpected: string[]
  /** A definite error answer whose write is present anyway: must be 0 (a call is atomic). */
  failedPresent: string[]
  /** Outcome unknown and present: allowed. */
  recovered: number
}

export function checkSet(attempts: ReadonlyMap<string, Outcome>, cases: readonly CaseJson[]): SetCheck {
  const present = new Map<string, number>()
  for (const view of cases) {
    for (const entry of view.history) if (entry.comment !== null) present.set(entry.comment, (present.get(entry.comment) ?? 0) + 1)
  }
  const result: SetCheck = { acked: 0, info: 0, failed: 0, lost: [], unexpected: [], failedPresent: [], recovered: 0 }
  for (const [token, outcome] of attempts) {
    result[outcome]++
    const found = present.has(token)
    if (outcome === 'acked' && !found) result.lost.push(token)
    if (outcome === 'failed' && found) result.failedPresent.push(token)
    if (outcome === 'info' && found) result.recovered++
  }
  for (const [token, count] of present) if (!attempts.has(token) || count > 1) result.unexpected.push(`${token} ×${count}`)
  return result
}

/** PRAGMA integrity_check of a SQLite file, through a read-only connection of its own; null for PostgreSQL. */
export function sqliteIntegrity(db: string): string | null {
  if (isPostgresUrl(db)) return null
  const sqlite = new BetterSqlite3(db, { readonly: true, fileMustExist: true })
  try {
    const rows = sqlite.pragma('integrity_check') as { integrity_check: string }[]
    return rows.map((row) => row.integrity_check).join('; ')
  } finally {
    sqlite.close()
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
