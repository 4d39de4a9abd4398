// The SQLite baseline: node:http + better-sqlite3 (WAL, synchronous=FULL) with group commit.
// Usage: node --import tsx bench/baseline/server.ts --db FILE [--port 0] [--region eu]

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import Database from 'better-sqlite3'
import { nextCase, type CaseRow, type Phase, type Status } from './case-change.js'
import { flag, parseWorkflowForm, presentedKeyHash, readBody, Refusal, sendData, sendError, STATUS_WORDS, stopOnSignal, type WorkflowCall } from './http-kit.js'
import * as SQL from './sqlite-sql.js'

const REGION = flag('region', 'eu')
const db = new Database(flag('db'), { timeout: 5_000 })
db.pragma('journal_mode = WAL')
db.pragma('synchronous = FULL')
db.pragma('foreign_keys = ON')
if (db.pragma('synchronous', { simple: true }) !== 2) throw new Error('synchronous=FULL is required')

const statements = {
  key: db.prepare<[string], { key_id: string; tenant_id: string; revoked_at: string | null; region: string }>(SQL.SELECT_KEY),
  bump: db.prepare<[string], { change_seq: number; extended_statuses: number }>(SQL.BUMP_CHANGE_SEQ),
  record: db.prepare<[string, number], unknown>(SQL.SELECT_RECORD),
  statuses: db.prepare<[string], Status & { phase: Phase }>(SQL.SELECT_STATUSES),
  user: db.prepare<[string, string], { email: string }>(SQL.SELECT_USER),
  case: db.prepare<[string, number], CaseRow>(SQL.SELECT_CASE),
  upsertCase: db.prepare(SQL.UPSERT_CASE),
  insertHistory: db.prepare(SQL.INSERT_HISTORY),
  begin: db.prepare('BEGIN IMMEDIATE'),
  commit: db.prepare('COMMIT'),
  rollback: db.prepare('ROLLBACK'),
  savepoint: db.prepare('SAVEPOINT call'),
  release: db.prepare('RELEASE call'),
  rollbackTo: db.prepare('ROLLBACK TO call'),
}

interface Job {
  tenantId: string
  keyId: string
  call: WorkflowCall
  response: ServerResponse
}

// Group commit: the calls that arrive in one event-loop turn are applied in one transaction.
let batch: Job[] = []

function enqueue(job: Job): void {
  if (batch.length === 0) setImmediate(flush)
  batch.push(job)
}

function flush(): void {
  const jobs = batch
  batch = []
  let outcomes: unknown[]
  try {
    statements.begin.run()
    outcomes = jobs.map(applyInSavepoint)
    statements.commit.run()
  } catch (error) {
    if (db.inTransaction) statements.rollback.run()
    const failure = /^SQLITE_(BUSY|LOCKED)/.test((error as { code?: string }).code ?? '') ? new Refusal(503, 503000, 'Busy') : error
    outcomes = jobs.map(() => failure)
  }
  // Answered only now: every call of the batch is durable (synchronous=FULL) or none is.
  jobs.forEach((job, i) => (outcomes[i] === null ? sendData(job.response, job.call.cgid) : sendError(job.response, outcomes[i])))
}

/** One call in its own savepoint: a refused call leaves the rest of the batch untouched. */
function applyInSavepoint(job: Job): unknown {
  statements.savepoint.run()
  try {
    applyCall(job)
    statements.release.run()
    return null
  } catch (error) {
    statements.rollbackTo.run()
    statements.release.run()
    return error
  }
}

function applyCall({ tenantId, keyId, call }: Job): void {
  const now = new Date().toISOString()
  const { change_seq, extended_statuses } = statements.bump.get(tenantId)!
  if (statements.record.get(tenantId, call.cgid) === undefined) throw new Refusal(400, 400200, 'Workflow not found')
  const status = call.status === undefined ? undefined : resolveStatus(call.status, extended_statuses === 1 ? tenantId : null)
  const assignee = call.assignedTo === undefined ? undefined : findAssignee(tenantId, call.assignedTo)
  const current = statements.case.get(tenantId, call.cgid)
  const next = nextCase(current, status, assignee, now)
  statements.upsertCase.run({ ...next, tenant_id: tenantId, number_customergauge: call.cgid, updated_at: now, change_seq })
  statements.insertHistory.run({
    tenant_id: tenantId,
    number_customergauge: call.cgid,
    seq: next.history_count,
    at: now,
    actor: `key:${keyId}`,
    status_from: current?.status ?? null,
    status_to: next.status,
    status_label_from: current?.status_label ?? null,
    status_label_to: next.status_label,
    assigned_from: current?.assigned_to ?? null,
    assigned_to: next.assigned_to,
    comment: call.comment ?? null,
  })
}

/** A standard word (mapped to the tenant's lowest code of the phase), else an extended code or label. */
function resolveStatus(value: string, extendedTenant: string | null): Status {
  const phase = STATUS_WORDS[value.toUpperCase()]
  const extended = extendedTenant === null ? [] : statements.statuses.all(extendedTenant)
  if (phase) return extended.find((status) => status.phase === phase) ?? { phase, code: null, label: phase }
  const match = extended.find((status) => String(status.code) === value || status.label.toLowerCase() === value.toLowerCase())
  if (!match) throw new Refusal(400, 400011, `Invalid status: ${value.slice(0, 100)}`)
  return match
}

function findAssignee(tenantId: string, email: string): string {
  const user = statements.user.get(tenantId, email.toLowerCase())
  if (!user) throw new Refusal(400, 400201, 'assigned_to is not an active user of this account')
  return user.email
}

async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    if (request.method !== 'POST' || !/^\/v4\.1\/workflow(\.json)?$/.test(request.url ?? '')) {
      throw new Refusal(404, 300000, 'Module does not exist')
    }
    const key = statements.key.get(presentedKeyHash(request.headers.authorization))
    if (!key || key.revoked_at !== null || key.region !== REGION) throw new Refusal(401, 200000, 'Invalid API key')
    const call = parseWorkflowForm(await readBody(request))
    enqueue({ tenantId: key.tenant_id, keyId: key.key_id, call, response })
  } catch (error) {
    sendError(response, error)
  }
}

const server = createServer((request, response) => void handle(request, response))
server.listen(Number(flag('port', '0')), '127.0.0.1', () => {
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no TCP address')
  console.log(`Baseline (SQLite, group commit) listening on http://127.0.0.1:${address.port}`)
})
stopOnSignal(
  () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
      if (batch.length > 0) flush()
      db.close()
    }),
)
