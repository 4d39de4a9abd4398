// The dispatcher's writes: its claims of due deliveries and the record of each attempt (SPEC §8).
// On SQLite with a writer thread they run on that thread, like every other write of the process:
// on the request thread's own connection they waited for the writer thread's lock, and
// better-sqlite3 waits for a lock by sleeping with the event loop held (docs/deploy.md, "Webhooks
// and the thread"). Elsewhere they join the process's shared transaction (one fsync for many).

import type { Tx } from '../../store/database.js'
import { failPendingDeliveries, recordAttempt, takeClaims, type AttemptOutcome, type Claim, type ClaimedDelivery } from '../../store/webhook-deliveries.js'
import { findEndpoint, updateEndpoint } from '../../store/webhook-endpoints.js'
import type { ServiceContext } from '../context.js'
import { inSharedTransaction } from '../group-commit.js'
import type { SendResult } from './send.js'

/** Endpoints with no success in this long, and a delivery failed for good, are disabled. */
export const FAILING_ENDPOINT_MS = 5 * 24 * 60 * 60 * 1000

/** One attempt as the dispatcher decided it: the delivery as claimed, what the receiver answered, what comes next. */
export interface AttemptRecord {
  /** The claiming dispatcher: the record is kept only while its lease holds. */
  owner: string
  delivery: ClaimedDelivery
  result: SendResult
  outcome: Omit<AttemptOutcome, 'owner'>
}

/** Claims the deliveries among `ids` that are still free, for `claim.owner`. */
export function claimDeliveries(ctx: ServiceContext, ids: readonly string[], claim: Claim): Promise<ClaimedDelivery[]> {
  if (ctx.writerThread) return ctx.writerThread.claimDeliveries(ids, claim)
  return inSharedTransaction(ctx, (trx) => takeClaims(trx, ids, claim))
}

/** Records an attempt; false when the lease was lost meanwhile (another process attempts it again). */
export function recordDeliveryAttempt(ctx: ServiceContext, record: AttemptRecord): Promise<boolean> {
  if (ctx.writerThread) return ctx.writerThread.recordDeliveryAttempt(record)
  return inSharedTransaction(ctx, (trx) => recordInTransaction(trx, record))
}

/** Logs the attempt; then 410 disables the endpoint, a success or a final failure update its 5-day count. */
async function recordInTransaction(trx: Tx, { owner, delivery, result, outcome }: AttemptRecord): Promise<boolean> {
  if ((await recordAttempt(trx, { ...outcome, owner })) === null) return false
  const at = outcome.attempt.at
  if (outcome.next.status === 'succeeded') {
    await updateEndpoint(trx, delivery.tenant_id, delivery.endpoint_id, { last_success_at: at })
  } else if (result.status === 410 && delivery.enabled === 1) {
    await disable(trx, delivery, 'the receiver answered 410 Gone', at)
  } else if (outcome.next.status === 'failed' && delivery.enabled === 1) {
    const endpoint = await findEndpoint(trx, delivery.tenant_id, delivery.endpoint_id)
    const since = [endpoint.last_success_at, endpoint.enabled_at].filter((time): time is string => time !== null).sort().at(-1)!
    if (Date.parse(at) - Date.parse(since) >= FAILING_ENDPOINT_MS) await disable(trx, delivery, 'no delivery succeeded in 5 days', at)
  }
  return true
}

async function disable(trx: Tx, delivery: ClaimedDelivery, reason: string, at: string): Promise<void> {
  await updateEndpoint(trx, delivery.tenant_id, delivery.endpoint_id, { enabled: 0, disabled_reason: reason, updated_at: at })
  await failPendingDeliveries(trx, delivery.endpoint_id, at)
}
