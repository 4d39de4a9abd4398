// The writer thread's body (see writer-thread.ts): one connection to the SQLite database, every
// write job of this process, and back a result, a refusal with its code, or a failure the request
// thread logs and answers as 500000 (its text is never an answer).
// Jobs that arrive while a batch commits are taken together by the next one (group commit): v4.1
// changes on the hot path (hot-path.ts: one transaction, one fsync, no savepoints), keyed or not,
// with their webhook deliveries; the rest (imports, the webhook dispatcher's claims and records) on
// the general path's use cases. The WAL is copied back into the database file by a thread of its
// own (checkpoint-thread.ts), not by the commits.

import { parentPort, workerData } from 'node:worker_threads'
import { FirehouseError } from '../domain/errors.js'
import { prepareHotStatements } from '../store/sqlite-hot-statements.js'
import { checkpointPassive, setCommitCheckpoints } from '../store/wal-checkpoints.js'
import { startCheckpointer } from './checkpoint-thread.js'
import { isoNow, type ServiceContext } from './context.js'
import { openServiceContext } from './database.js'
import { runHotBatch, type HotCall, type HotOutcome } from './hot-path.js'
import { importRecordFile } from './import-records.js'
import { unavailableOr } from './transaction.js'
import { updateWorkflow } from './update-workflow.js'
import { claimDeliveries, recordDeliveryAttempt } from './webhooks/delivery-writes.js'
import { asText, workflowBatchRequests, type WriteAnswer, type WriteRequest, type WriterJob, type WriterMessage } from './writer-thread.js'

/** A batch stays small enough that its first call does not wait long for its last (bounded tails). */
const MAX_BATCH = 256

const port = parentPort!
const post = (message: WriterMessage): void => port.postMessage(message)

const opened = await openServiceContext((workerData as { dbUrl: string }).dbUrl, { migrate: false })
// Deliveries are sent by the dispatcher of the request thread: a commit that queued some tells it.
const sqlite = opened.store.dialect.sqlite!
// Commits no longer checkpoint: the checkpoint thread does, unless it stopped.
const checkpointer = startCheckpointer(sqlite.name, () => setCommitCheckpoints(sqlite, true))
setCommitCheckpoints(sqlite, false)
const ctx: ServiceContext = {
  ...opened,
  outbox: { notify: () => post({ type: 'outbox' }), listen: () => () => undefined },
  afterCommit: () => checkpointer.afterCommit(),
}
const hotStatements = prepareHotStatements(sqlite)
const queue: WriteRequest[] = []
let flushing = false
let inFlight = 0
let closeAsked = false

port.on('message', (message: string | WriteRequest[] | { type: 'close' }) => {
  if (typeof message === 'string') return take(workflowBatchRequests(message))
  if (Array.isArray(message)) return take(message)
  closeAsked = true
  void closeWhenIdle()
})

function take(requests: WriteRequest[]): void {
  queue.push(...requests)
  inFlight += requests.length
  schedule()
}

function schedule(): void {
  if (flushing || queue.length === 0) return
  flushing = true
  // setImmediate runs after this turn's messages: every job that arrived meanwhile joins the batch.
  setImmediate(() => void flush())
}

async function flush(): Promise<void> {
  if (checkpointer.restartDue()) await restartWal()
  const batch = queue.splice(0, MAX_BATCH)
  const hot: WriteRequest[] = []
  for (const request of batch) {
    if (request.job.kind === 'workflow') hot.push(request)
    else runGeneral(request)
  }
  try {
    if (hot.length > 0) {
      const outcomes = await runHot(hot.map((request) => request.job as HotCall))
      // Committed: this process's dispatcher sends the batch's events at once (others poll).
      if (outcomes.some((outcome) => outcome.kind === 'written' && outcome.queued > 0)) ctx.outbox.notify()
      const answers: WriteAnswer[] = []
      outcomes.forEach((outcome, i) => {
        const request = hot[i]!
        if (outcome.kind === 'general') runGeneral(request)
        else answers.push(outcome.kind === 'written' ? { type: 'result', id: request.id, value: outcome.value } : refusal(request.id, outcome.error))
      })
      answer(answers, { hot: true })
    }
  } finally {
    flushing = false
    schedule()
  }
}

/**
 * The hot batch on the connection, while no general-path transaction holds it. A busy database
 * refuses every call with 503000, as a failed group commit does; any other failure rolled the
 * batch back, and its calls run again on the general path, which isolates each.
 */
async function runHot(calls: HotCall[]): Promise<HotOutcome[]> {
  try {
    return await ctx.store.db.connection().execute(async () => runHotBatch(hotStatements, calls, () => isoNow(ctx), ctx.keysInFlight))
  } catch (error) {
    const unavailable = unavailableOr(ctx, error)
    if (unavailable instanceof FirehouseError) return calls.map(() => ({ kind: 'refused', error: unavailable }))
    return calls.map(() => ({ kind: 'general' }))
  }
}

/**
 * The checkpoint that lets SQLite start the WAL again (checkpoint-thread.ts), on this connection
 * between two transactions: it copies what the checkpoint thread has not copied yet. One that
 * fails (the disk) leaves the WAL as it was and the batches go on: the commits that follow meet
 * the same disk, and the thread's next report asks again.
 */
async function restartWal(): Promise<void> {
  try {
    await ctx.store.db.connection().execute(async () => checkpointPassive(sqlite))
  } catch {
    // As said above: nothing was lost, only not yet copied.
  } finally {
    checkpointer.restarted()
  }
}

function runGeneral(request: WriteRequest): void {
  runJob(request.job).then(
    (value) => answer([{ type: 'result', id: request.id, value }]),
    (error: unknown) => answer([refusal(request.id, error)]),
  )
}

function runJob(job: WriterJob): Promise<unknown> {
  switch (job.kind) {
    case 'workflow':
      return updateWorkflow(ctx, job.caller, job.input, job.options)
    case 'import':
      return importRecordFile(ctx, job.ref, job.text, job.format)
    case 'claim-deliveries':
      return claimDeliveries(ctx, job.ids, job.claim)
    case 'record-attempt':
      return recordDeliveryAttempt(ctx, job.record)
  }
}

function refusal(id: number, error: unknown): WriteAnswer {
  return error instanceof FirehouseError
    ? { type: 'refused', id, code: error.code, message: error.message, details: error.details }
    : { type: 'failed', id, reason: error instanceof Error ? error.message : String(error) }
}

/** Posts answers back; a hot batch's (results and refusals of v4.1 calls) as JSON text (asText). */
function answer(answers: WriteAnswer[], { hot = false } = {}): void {
  if (answers.length === 0) return
  post(hot ? asText(answers) : { type: 'answers', answers })
  inFlight -= answers.length
  checkpointer.afterCommit()
  void closeWhenIdle()
}

async function closeWhenIdle(): Promise<void> {
  if (!closeAsked || inFlight > 0) return
  closeAsked = false
  await checkpointer.close()
  await ctx.store.close()
  port.close()
}
