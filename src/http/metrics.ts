// Prometheus metrics: request counts and latencies by route and status, database pool usage, webhook deliveries.

import type { FastifyInstance } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { ServiceContext } from '../service/context.js'
import { databasePoolUsage } from '../service/database.js'
import { deliveryBacklog } from '../service/webhooks/deliveries.js'
import type { DeliveryObserver } from '../service/webhooks/dispatcher.js'

const LATENCY_BUCKETS_S = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5]

/** Counts an answered request: its method, its route's pattern, its status, its time in seconds. */
export type AnswerRecorder = (method: string, route: string, status: number, seconds: number) => void

/**
 * Registers the per-request hooks on `app`; returns the registry /metrics serves, and how a request
 * answered outside Fastify's hooks (workflow-lane.ts) is counted alike.
 */
export function instrument(app: FastifyInstance, ctx: ServiceContext): { registry: Registry; recordAnswer: AnswerRecorder } {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const labelNames = ['method', 'route', 'status'] as const
  const requests = new Counter({ name: 'firehouse_http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] })
  const latency = new Histogram({
    name: 'firehouse_http_request_duration_seconds',
    help: 'Time from request to answer',
    labelNames,
    buckets: LATENCY_BUCKETS_S,
    registers: [registry],
  })
  new Gauge({
    name: 'firehouse_db_pool_connections',
    help: 'Database connections by state (SQLite: one connection)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const usage = databasePoolUsage(ctx)
      this.set({ state: 'total' }, usage.total)
      this.set({ state: 'idle' }, usage.idle)
      this.set({ state: 'waiting' }, usage.waiting)
    },
  })
  new Gauge({
    name: 'firehouse_writer_thread_calls',
    help: 'Writes (v4.1 and v7 calls, imports, webhook claims and attempt records) handed to the SQLite writer thread (handed: since start; pending: awaiting their commit); absent without the thread',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const counts = ctx.writerThread?.counts()
      if (!counts) return
      this.set({ state: 'handed' }, counts.handed)
      this.set({ state: 'pending' }, counts.pending)
    },
  })
  const recordAnswer: AnswerRecorder = (method, route, status, seconds) => {
    const labels = { method, route, status: String(status) }
    requests.inc(labels)
    latency.observe(labels, seconds)
  }
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, so unknown paths cannot grow the label set without bound.
    recordAnswer(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000)
  })
  return { registry, recordAnswer }
}

/**
 * Webhook metrics (SPEC §8) on `registry`: attempts and ended deliveries by this process, and the
 * outbox (every process's) read when scraped. Returns what the dispatcher reports to.
 */
export function instrumentWebhooks(registry: Registry, ctx: ServiceContext): DeliveryObserver {
  const attempts = new Counter({
    name: 'firehouse_webhook_attempts_total',
    help: 'Webhook delivery attempts by result (success: a 2xx; http_error: another status; network_error: no answer)',
    labelNames: ['result'],
    registers: [registry],
  })
  const deliveries = new Counter({
    name: 'firehouse_webhook_deliveries_total',
    help: 'Webhook deliveries ended, by outcome',
    labelNames: ['outcome'],
    registers: [registry],
  })
  const backlog = new Gauge({ name: 'firehouse_webhook_outbox_pending', help: 'Webhook deliveries not yet ended (all processes)', registers: [registry] })
  new Gauge({
    name: 'firehouse_webhook_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest webhook delivery not yet ended (0: none)',
    registers: [registry],
    async collect() {
      const { pending, oldestAgeS } = await deliveryBacklog(ctx).catch(() => ({ pending: 0, oldestAgeS: 0 }))
      backlog.set(pending)
      this.set(oldestAgeS)
    },
  })
  for (const result of ['success', 'http_error', 'network_error']) attempts.inc({ result }, 0)
  for (const outcome of ['succeeded', 'failed']) deliveries.inc({ outcome }, 0)
  return { attempted: (result) => attempts.inc({ result }), finished: (outcome) => deliveries.inc({ outcome }) }
}
