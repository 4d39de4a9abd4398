// The dispatcher: claims due deliveries under a lease, signs and sends them, logs each attempt and
// schedules the next (SPEC §8). The database is the queue; any number of processes may run one.

import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import { createAddressPolicy } from '../../domain/address-rules.js'
import { findClaimable, pruneDeliveryLog, type AttemptOutcome, type ClaimedDelivery } from '../../store/webhook-deliveries.js'
import type { ServiceContext } from '../context.js'
import { withDatabase } from '../transaction.js'
import { claimDeliveries, recordDeliveryAttempt } from './delivery-writes.js'
import { postWebhook, type SendResult } from './send.js'
import type { WebhookSettings } from './settings.js'
import { signatureHeader } from './signing.js'

/** Attempts in flight per process at most. */
const MAX_IN_FLIGHT = 32
/** How often a process looks for due deliveries (writes of its own wake it at once). */
const POLL_INTERVAL_MS = 1_000
/** How long the delivery log keeps attempts and ended deliveries. */
export const LOG_RETENTION_MS = 30 * 24 * 60 * 60 * 1000
const PRUNE_INTERVAL_MS = 60 * 60 * 1000
/** The jitter on each retry delay: ±20 %. */
const JITTER = 0.2

/** What the dispatcher tells the metrics. */
export interface DeliveryObserver {
  attempted(result: 'success' | 'http_error' | 'network_error'): void
  finished(outcome: 'succeeded' | 'failed'): void
}

export interface DispatcherDeps {
  ctx: ServiceContext
  settings: WebhookSettings
  log: { warn: (detail: object, message: string) => void }
  observer?: DeliveryObserver
}

export interface Dispatcher {
  start(): void
  /** Stops claiming, aborts the attempts in flight (their leases expire; another run retries them). */
  stop(): Promise<void>
}

/**
 * A claim's lease outlasts an attempt's deadline with room to record it: a process that dies holding
 * claims delays those deliveries by at most this long.
 */
export function leaseMsFor(timeoutMs: number): number {
  return timeoutMs * 2 + 5_000
}

export function createDispatcher({ ctx, settings, log, observer }: DispatcherDeps): Dispatcher {
  const owner = `${hostname()}/${process.pid}/${randomUUID()}`
  const policy = createAddressPolicy(settings.allowNets)
  const leaseMs = leaseMsFor(settings.timeoutMs)
  const inFlight = new Set<Promise<void>>()
  const timers = new Set<NodeJS.Timeout>()
  const stopping = new AbortController()
  let running = false
  let pumping = false
  let again = false
  let unlisten = () => {}

  const later = (ms: number, work: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      work()
    }, ms)
    timer.unref()
    timers.add(timer)
  }

  /** Claims what is due while there is room; runs again when asked while it ran. */
  async function pump(): Promise<void> {
    if (!running) return
    if (pumping) {
      again = true
      return
    }
    pumping = true
    try {
      do {
        again = false
        const room = MAX_IN_FLIGHT - inFlight.size
        if (room <= 0) break
        const now = ctx.now()
        const claim = { owner, now: now.toISOString(), leaseUntil: new Date(now.getTime() + leaseMs).toISOString(), limit: room }
        const ids = await withDatabase(ctx, (db) => findClaimable(db, claim))
        // Claims and records are written where the process's other writes are (delivery-writes.ts).
        const claimed = ids.length === 0 ? [] : await claimDeliveries(ctx, ids, claim)
        for (const delivery of claimed) track(attempt(delivery))
        if (claimed.length === room) again = true
      } while (again && running)
    } catch (error) {
      log.warn({ err: error }, 'claiming webhook deliveries failed')
    } finally {
      pumping = false
    }
  }

  function track(work: Promise<void>): void {
    inFlight.add(work)
    void work.finally(() => {
      inFlight.delete(work)
      // The case's next event may be free to go now.
      void pump()
    })
  }

  async function attempt(delivery: ClaimedDelivery): Promise<void> {
    try {
      const result = delivery.enabled === 1 ? await send(delivery) : disabledResult()
      if (stopping.signal.aborted) return
      const outcome = decide(delivery, result)
      observer?.attempted(result.status === null ? 'network_error' : isSuccess(result) ? 'success' : 'http_error')
      const recorded = await recordDeliveryAttempt(ctx, { owner, delivery, result, outcome })
      if (recorded && outcome.next.status !== 'pending') observer?.finished(outcome.next.status)
      if (recorded && outcome.next.status === 'pending') later(Math.max(0, Date.parse(outcome.next.at) - ctx.now().getTime()), () => void pump())
    } catch (error) {
      if (!stopping.signal.aborted) log.warn({ err: error, delivery: delivery.id }, 'recording a webhook attempt failed')
    }
  }

  function send(delivery: ClaimedDelivery): Promise<SendResult> {
    const body = eventBody(delivery)
    const timestampS = Math.floor(ctx.now().getTime() / 1000)
    const secrets = liveSecrets(delivery, ctx.now())
    const headers = {
      'webhook-id': delivery.event_id,
      'webhook-timestamp': String(timestampS),
      'webhook-signature': signatureHeader(secrets, delivery.event_id, timestampS, body),
      'user-agent': 'Firehouse-Webhooks/1',
    }
    return postWebhook(delivery.url, body, headers, { timeoutMs: settings.timeoutMs, policy, resolveHost: settings.resolveHost, signal: stopping.signal })
  }

  function decide(delivery: ClaimedDelivery, result: SendResult): Omit<AttemptOutcome, 'owner'> {
    const now = ctx.now()
    const attempt = { at: now.toISOString(), http_status: result.status, error: result.error, duration_ms: result.durationMs, response: result.response }
    const number = delivery.attempt_count + 1
    const delayS = settings.retryScheduleS[number - 1]
    const done = (status: 'succeeded' | 'failed') => ({ deliveryId: delivery.id, attempt, next: { status, at: attempt.at } })
    if (isSuccess(result)) return done('succeeded')
    if (result.status === 410 || delivery.enabled !== 1 || delayS === undefined) return done('failed')
    const jittered = delayS * (1 + JITTER * (2 * Math.random() - 1))
    const honoured = (result.status === 429 || result.status === 503) && result.retryAfterS !== null ? Math.max(jittered, result.retryAfterS) : jittered
    return { deliveryId: delivery.id, attempt, next: { status: 'pending', at: new Date(now.getTime() + honoured * 1000).toISOString() } }
  }

  async function prune(): Promise<void> {
    const cutoff = new Date(ctx.now().getTime() - LOG_RETENTION_MS).toISOString()
    await withDatabase(ctx, (db) => pruneDeliveryLog(db, cutoff)).catch((error: unknown) => log.warn({ err: error }, 'pruning the webhook delivery log failed'))
  }

  return {
    start() {
      if (running) return
      running = true
      unlisten = ctx.outbox.listen(() => void pump())
      const poll = setInterval(() => void pump(), POLL_INTERVAL_MS)
      poll.unref()
      const pruning = setInterval(() => void prune(), PRUNE_INTERVAL_MS)
      pruning.unref()
      timers.add(poll).add(pruning)
      void pump()
    },
    async stop() {
      running = false
      unlisten()
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      stopping.abort()
      await Promise.allSettled([...inFlight])
    },
  }
}

/** The event as sent: the same bytes on every attempt and redelivery (its tenant's slug never changes). */
export function eventBody(delivery: Pick<ClaimedDelivery, 'event_id' | 'event_type' | 'event_at' | 'payload' | 'tenant_slug'>): string {
  const data = { ...(JSON.parse(delivery.payload) as object), tenant: delivery.tenant_slug }
  return JSON.stringify({ id: delivery.event_id, type: delivery.event_type, timestamp: delivery.event_at, data })
}

/** The endpoint's secret, and the one before it while a rotation's 24 h overlap lasts. */
function liveSecrets(delivery: ClaimedDelivery, now: Date): string[] {
  const previousLive = delivery.previous_secret !== null && delivery.previous_secret_until !== null && Date.parse(delivery.previous_secret_until) > now.getTime()
  return previousLive ? [delivery.secret, delivery.previous_secret!] : [delivery.secret]
}

function isSuccess(result: SendResult): boolean {
  return result.status !== null && result.status >= 200 && result.status <= 299
}

function disabledResult(): SendResult {
  return { status: null, error: 'the endpoint is disabled', durationMs: 0, response: null, retryAfterS: null }
}
