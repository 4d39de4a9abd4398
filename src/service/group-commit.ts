// Group commit: the writes that arrive in one event-loop turn share one transaction and one fsync.

import { runAlone, runInOneTransaction, type Unit } from '../store/batch-transaction.js'
import type { ServiceContext } from './context.js'
import { unavailableOr, withDatabase } from './transaction.js'

/** A batch stays small enough that its first request does not wait long for its last. */
const MAX_BATCH = 256

interface Pending {
  unit: Unit<unknown>
  resolve: (value: unknown) => void
  reject: (error: unknown) => void
}

/** The writes waiting for the next shared transaction of one service context (one open database). */
export interface Committer {
  queue: Pending[]
  /** A flush is scheduled or running; the next one starts when it ends. */
  busy: boolean
}

export function createCommitter(): Committer {
  return { queue: [], busy: false }
}

/**
 * Runs `work` in a transaction shared with the other writes queued in the same turn; resolves
 * only after that transaction committed (durably: synchronous=FULL), rejects with the work's own
 * error if it failed — which undid only its own changes. On a database without group commit it
 * is a plain transaction.
 */
export function inSharedTransaction<T>(ctx: ServiceContext, work: Unit<T>): Promise<T> {
  if (!ctx.store.dialect.groupCommit) return withDatabase(ctx, (db) => runAlone(db, work))
  const target = ctx.committer
  return new Promise<T>((resolve, reject) => {
    target.queue.push({ unit: work, resolve: resolve as (value: unknown) => void, reject })
    schedule(ctx, target)
  })
}

function schedule(ctx: ServiceContext, committer: Committer): void {
  if (committer.busy || committer.queue.length === 0) return
  committer.busy = true
  // setImmediate runs after this turn's I/O callbacks: every request parsed in the turn is queued.
  setImmediate(() => void flush(ctx, committer))
}

async function flush(ctx: ServiceContext, committer: Committer): Promise<void> {
  const batch = committer.queue.splice(0, MAX_BATCH)
  try {
    const results = await runInOneTransaction(
      ctx.store.db,
      batch.map((pending) => pending.unit),
      (error) => ctx.store.dialect.isUnavailable(error),
    )
    results.forEach((result, i) => (result.ok ? batch[i]!.resolve(result.value) : batch[i]!.reject(unavailableOr(ctx, result.error))))
  } catch (error) {
    const failure = unavailableOr(ctx, error)
    for (const pending of batch) pending.reject(failure)
  } finally {
    committer.busy = false
    schedule(ctx, committer)
  }
}
