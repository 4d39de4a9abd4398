// The writer thread's body (see writer-thread.ts): one connection to the SQLite database, every
// write job of this process through its use case, and back a result, a refusal with its code, or a
// failure the request thread logs and answers as 500000 (its text is never an answer).

import { parentPort, workerData } from 'node:worker_threads'
import { FirehouseError } from '../domain/errors.js'
import type { ServiceContext } from './context.js'
import { openServiceContext } from './database.js'
import { importRecordFile } from './import-records.js'
import { updateWorkflow } from './update-workflow.js'
import type { WriteRequest, WriterJob, WriterMessage } from './writer-thread.js'

const port = parentPort!
const post = (message: WriterMessage): void => port.postMessage(message)

const opened = await openServiceContext((workerData as { dbUrl: string }).dbUrl, { migrate: false })
// Deliveries are sent by the dispatcher of the request thread: a commit that queued some tells it.
const ctx: ServiceContext = { ...opened, outbox: { notify: () => post({ type: 'outbox' }), listen: () => () => undefined } }
let inFlight = 0
let closeAsked = false

function runJob(job: WriterJob): Promise<unknown> {
  return job.kind === 'workflow' ? updateWorkflow(ctx, job.caller, job.input, job.options) : importRecordFile(ctx, job.ref, job.text, job.format)
}

port.on('message', (message: WriteRequest | { type: 'close' }) => {
  if ('type' in message) {
    closeAsked = true
    return void closeWhenIdle()
  }
  inFlight++
  runJob(message.job)
    .then(
      (value) => post({ type: 'result', id: message.id, value }),
      (error: unknown) =>
        post(
          error instanceof FirehouseError
            ? { type: 'refused', id: message.id, code: error.code, message: error.message, details: error.details }
            : { type: 'failed', id: message.id, reason: error instanceof Error ? error.message : String(error) },
        ),
    )
    .finally(() => {
      inFlight--
      void closeWhenIdle()
    })
})

async function closeWhenIdle(): Promise<void> {
  if (!closeAsked || inFlight > 0) return
  closeAsked = false
  await ctx.store.close()
  port.close()
}
