// What every use case needs: the open store, a clock (passed in so tests and replays agree), and the
// per-database write state (group commit's queue, idempotency keys in flight).

import type { Store } from '../store/database.js'
import { createCallerCache, type CallerCache } from './cached-callers.js'
import { createChangeBatches, type ChangeBatches } from './change-batch.js'
import { createCommitter, type Committer } from './group-commit.js'
import { createOutboxSignal, type OutboxSignal } from './webhooks/outbox-signal.js'
import type { WriterThread } from './writer-thread.js'

export interface ServiceContext {
  store: Store
  /** The current time; injected so timing rules can be tested without waiting. */
  now: () => Date
  /** The writes queued for this database's next shared transaction (group commit). */
  committer: Committer
  /** Idempotency keys of requests running in this process (tenant id NUL key), answered 300010 when repeated. */
  keysInFlight: Set<string>
  /** Rung after a commit that queued webhook deliveries (SPEC §8). */
  outbox: OutboxSignal
  /** Where v4.1 calls and imports are written when not on this thread (SQLite's writer thread under `serve`). */
  writerThread?: WriterThread
  /**
   * API keys' callers remembered for v4.1 writes, where the write checks the key itself
   * (PostgreSQL's guarded writes, SQLite's writer thread); absent elsewhere.
   */
  callerCache?: CallerCache
  /** PostgreSQL: the changes waiting for this process's next batched read and write (change-batch.ts); absent elsewhere. */
  changeBatches?: ChangeBatches
  /**
   * Told after each slice of an import commits: on SQLite's writer thread the checkpoint thread
   * then copies the WAL back while the import goes on (checkpoint-thread.ts); absent elsewhere.
   */
  afterCommit?: () => void
}

/** State lives with the context, not the module: two servers in one process share nothing. */
export function createServiceContext(store: Store, now: () => Date = () => new Date()): ServiceContext {
  const ctx: ServiceContext = { store, now, committer: createCommitter(), keysInFlight: new Set(), outbox: createOutboxSignal() }
  if (store.dialect.guardedCaseWrites) {
    ctx.callerCache = createCallerCache()
    ctx.changeBatches = createChangeBatches()
  }
  return ctx
}

export function isoNow(ctx: ServiceContext): string {
  return ctx.now().toISOString()
}
