// SQLite's writes on a thread of their own (issue 17): the request thread parses, authenticates and
// checks the form of a call, then hands it to the writer thread, which runs the same use case
// (updateWorkflow with its group commit and fsync; importRecordFile, parse included) on its own
// connection. The event loop that answers requests never waits for SQLite's writes or for an
// import's parsing, and every write of one process still goes through one queue.

import type { Worker } from 'node:worker_threads'
import { ERROR_CODES, FirehouseError, type ErrorDetails, type ErrorName } from '../domain/errors.js'
import type { WorkflowInput } from '../domain/workflow-input.js'
import type { Caller } from './api-keys.js'
import { callerCopy, createCallerCache } from './cached-callers.js'
import type { ServiceContext } from './context.js'
import type { ImportReport } from './import-records.js'
import type { RecordFileFormat } from './record-files.js'
import { setCommitCheckpoints } from '../store/wal-checkpoints.js'
import type { TenantRef } from './tenants.js'
import { startThread } from './threads.js'
import { UNAVAILABLE_RETRY_AFTER_S } from './transaction.js'
import type { WorkflowOptions, WorkflowResult } from './update-workflow.js'
import type { AttemptRecord } from './webhooks/delivery-writes.js'
import type { Claim, ClaimedDelivery } from '../store/webhook-deliveries.js'

/** The use cases the thread runs, as the request thread hands them over. */
export type WriterJob =
  | { kind: 'workflow'; caller: Caller; input: WorkflowInput; options: WorkflowOptions }
  | { kind: 'import'; ref: TenantRef; text: string; format: RecordFileFormat }
  | { kind: 'claim-deliveries'; ids: readonly string[]; claim: Claim }
  | { kind: 'record-attempt'; record: AttemptRecord }

/**
 * Runs writes somewhere else than the request thread; what updateWorkflow, importRecordFile and the
 * webhook dispatcher's writes (webhooks/delivery-writes.ts) delegate to.
 */
export interface WriterThread {
  updateWorkflow(caller: Caller, input: WorkflowInput, options: WorkflowOptions): Promise<WorkflowResult>
  importRecordFile(ref: TenantRef, text: string, format: RecordFileFormat): Promise<ImportReport>
  claimDeliveries(ids: readonly string[], claim: Claim): Promise<ClaimedDelivery[]>
  recordDeliveryAttempt(record: AttemptRecord): Promise<boolean>
  /** Jobs handed to the thread since it started, and those still waiting for their answer. */
  counts(): { handed: number; pending: number }
  /** Lets the jobs in flight finish, then stops the thread and closes its connection. */
  close(): Promise<void>
}

/** A job as it crosses to the writer thread. */
export interface WriteRequest {
  id: number
  job: WriterJob
}

/** A job's result, its refusal, or a failure, as the writer thread answers it. */
export type WriteAnswer =
  | { type: 'result'; id: number; value: unknown }
  | { type: 'refused'; id: number; code: number; message: string; details: ErrorDetails }
  | { type: 'failed'; id: number; reason: string }

/**
 * What the writer thread posts back: the answers of a batch (as JSON text for a hot batch, see
 * asText), or a commit that queued webhook deliveries.
 */
export type WriterMessage = { type: 'answers'; answers: WriteAnswer[] } | { type: 'outbox' } | string

/**
 * Jobs and answers made only of JSON's values (v4.1 calls, their results and refusals) cross as
 * JSON text: V8's structured clone builds each object on the other side property by property, 4.3
 * µs per v4.1 call against 2.6 µs for JSON.stringify and JSON.parse. The rest (an import's text,
 * the dispatcher's claims) keep the structured clone, which JSON would slow down or lose.
 */
export function asText(values: readonly unknown[]): string {
  return JSON.stringify(values)
}

/**
 * v4.1 calls as they cross to the writer thread (JSON text, see asText): each caller once, and
 * each call as its id, its caller's place in that list, its fields and its options. A caller was
 * ~280 of a call's ~410 characters, and the calls of one key share one caller: its remembered key
 * (cached-callers.ts), which every copy recalled for that key holds, names it here.
 */
interface WorkflowBatch {
  callers: Caller[]
  calls: Array<[id: number, caller: number, input: WorkflowInput, options: WorkflowOptions]>
}

/** The text of a batch of v4.1 calls; undefined if any job is of another kind (those cross as structured clones). */
export function workflowBatchText(requests: readonly WriteRequest[]): string | undefined {
  const batch: WorkflowBatch = { callers: [], calls: [] }
  const places = new Map<object, number>()
  for (const { id, job } of requests) {
    if (job.kind !== 'workflow') return undefined
    const sameCaller: object = job.caller.unconfirmedKey ?? job.caller
    let place = places.get(sameCaller)
    if (place === undefined) places.set(sameCaller, (place = batch.callers.push(job.caller) - 1))
    batch.calls.push([id, place, job.input, job.options])
  }
  return JSON.stringify(batch)
}

/** The requests of a batch's text; each call gets its own copy of its caller, which its write may change (keyConfirmed). */
export function workflowBatchRequests(text: string): WriteRequest[] {
  const { callers, calls } = JSON.parse(text) as WorkflowBatch
  return calls.map(([id, place, input, options]) => ({ id, job: { kind: 'workflow', caller: callerCopy(callers[place]!), input, options } }))
}

/**
 * How many calls the request thread gathers before it hands them over within one event-loop turn.
 * Under load a turn reads the next calls of every connection the last batch answered: handed over
 * only at the turn's end, the writer thread waited for all of them and the request thread then
 * waited for their batch, each idle ~40 % of the time. Handed over by 16, the two work at once:
 * 11.9 k → 14.6 k updates/s at 100 connections (docs/decisions.md, "The hand-over").
 */
export const HANDOVER_CALLS = 16

const NAME_OF_CODE = new Map<number, ErrorName>(Object.entries(ERROR_CODES).map(([name, code]) => [code, name as ErrorName]))

/**
 * The writer thread's young generation, in MB. V8's default let it hold up to 48 MB: once the
 * hand-over (HANDOVER_CALLS) raised the updates/s, serve's RSS under load rose from 197–202 to
 * 206–217 MiB. With 8 MB: 196–201 MiB and the same updates/s; imports, whose rows the thread
 * parses, ~6 % slower (70–71 k against 73–77 k records/s; 4 MB cost ~10 %). Under `serve`'s
 * young-generation bound (young-generation.ts) the thread keeps the new space V8 starts it with
 * (1 MB semi-spaces) and this is only the ceiling; started at 8 MB it imported no measurably faster
 * (BENCHMARKS.md, "Seventh session").
 */
export const WRITER_YOUNG_GENERATION_MB = 8

/** The thread itself, on its own connection to the SQLite database `dbUrl` names (writer-thread-body.ts). */
export function startWriterWorker(dbUrl: string): Worker {
  return startThread('writer-thread-body', { dbUrl }, { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB })
}

/** Whether a writer thread serves this database: SQLite's one writer at a time; PostgreSQL takes many. */
export function writerThreadApplies(ctx: ServiceContext): boolean {
  return ctx.store.dialect.name === 'sqlite'
}

/** Starts the writer thread for the context's database (`dbUrl` names it) and sends its writes there. */
export function useWriterThread(ctx: ServiceContext, dbUrl: string): void {
  ctx.writerThread = startWriterThread(dbUrl, () => ctx.outbox.notify())
  // The writer thread's checkpoint thread copies the WAL back (checkpoint-thread.ts): this
  // thread's few commits (the board, settings, deliveries) must not do it on the event loop.
  if (ctx.store.dialect.sqlite) setCommitCheckpoints(ctx.store.dialect.sqlite, false)
  // The thread checks a remembered caller's key in the write's own transaction (hot-path.ts), or
  // looks it up before any other write (update-workflow.ts): v4.1 calls need not look it up first.
  ctx.callerCache ??= createCallerCache()
}

/**
 * Starts the writer thread for the SQLite database `dbUrl` names (already migrated by the caller).
 * `onOutbox` is told when a commit queued webhook deliveries, for this process's dispatcher.
 */
export function startWriterThread(dbUrl: string, onOutbox: () => void): WriterThread {
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: unknown) => void }>()
  let nextId = 1
  let handed = 0
  let worker: Worker | null = null
  let closing = false

  const start = (): Worker => {
    const thread = startWriterWorker(dbUrl)
    thread.on('message', (message: WriterMessage) => {
      if (typeof message === 'string') {
        for (const answer of JSON.parse(message) as WriteAnswer[]) settle(answer)
        return
      }
      if (message.type === 'outbox') return onOutbox()
      for (const answer of message.answers) settle(answer)
    })
    // A thread that dies (an uncaught error, the database gone) fails its jobs; the next job starts another.
    thread.on('error', () => undefined)
    thread.once('exit', () => {
      if (worker === thread) worker = null
      const unavailable = new FirehouseError('UNAVAILABLE', 'The database writer stopped; retry', {
        details: { retryAfter: UNAVAILABLE_RETRY_AFTER_S },
      })
      for (const job of pending.values()) job.reject(unavailable)
      pending.clear()
      // Refused above: they must not be written later by another thread.
      outgoing = []
    })
    return thread
  }
  const settle = (answer: WriteAnswer): void => {
    const job = pending.get(answer.id)
    if (!job) return
    pending.delete(answer.id)
    if (answer.type === 'result') job.resolve(answer.value)
    else if (answer.type === 'refused') job.reject(refusal(answer.code, answer.message, answer.details))
    else job.reject(new Error(`The writer thread failed: ${answer.reason}`))
  }
  // The jobs of one event-loop turn cross in one message (one structured clone, one wake-up), or
  // every HANDOVER_CALLS of them while the turn goes on reading requests: the thread starts writing
  // the first ones meanwhile instead of waiting for the turn's last (see HANDOVER_CALLS).
  let outgoing: WriteRequest[] = []
  // Started at once: the first call does not wait for the thread to open the database.
  worker = start()
  const send = (): void => {
    const requests = outgoing
    if (requests.length === 0) return
    outgoing = []
    worker ??= start()
    worker.postMessage(workflowBatchText(requests) ?? requests)
  }

  const run = (job: WriterJob): Promise<unknown> => {
    if (closing) {
      return Promise.reject(new FirehouseError('UNAVAILABLE', 'The server is stopping', { details: { retryAfter: UNAVAILABLE_RETRY_AFTER_S } }))
    }
    const id = nextId++
    handed++
    const request: WriteRequest = { id, job }
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject })
      const waiting = outgoing.push(request)
      if (waiting === 1) setImmediate(send)
      else if (waiting === HANDOVER_CALLS) send()
    })
  }

  return {
    updateWorkflow: (caller, input, options) => run({ kind: 'workflow', caller, input, options }) as Promise<WorkflowResult>,
    importRecordFile: (ref, text, format) => run({ kind: 'import', ref, text, format }) as Promise<ImportReport>,
    claimDeliveries: (ids, claim) => run({ kind: 'claim-deliveries', ids, claim }) as Promise<ClaimedDelivery[]>,
    recordDeliveryAttempt: (record) => run({ kind: 'record-attempt', record }) as Promise<boolean>,
    counts: () => ({ handed, pending: pending.size }),
    async close() {
      closing = true
      send()
      const thread = worker
      if (!thread) return
      const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()))
      // The thread answers what it was sent, closes its connection and ends (see its body).
      thread.postMessage({ type: 'close' })
      await exited
    },
  }
}

function refusal(code: number, message: string, details: ErrorDetails): Error {
  const name = NAME_OF_CODE.get(code)
  return name ? new FirehouseError(name, message, { details }) : new Error(message)
}
