// Prometheus metrics: request counts and latencies by route and status, database pool usage.

import type { FastifyInstance } from 'fastify'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { ServiceContext } from '../service/context.js'
import { databasePoolUsage } from '../service/database.js'

const LATENCY_BUCKETS_S = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5]

/** Registers the per-request hooks on `app` and returns the registry /metrics serves. */
export function instrument(app: FastifyInstance, ctx: ServiceContext): Registry {
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
  app.addHook('onResponse', async (request, reply) => {
    // The route pattern, not the URL, so unknown paths cannot grow the label set without bound.
    const labels = { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: String(reply.statusCode) }
    requests.inc(labels)
    latency.observe(labels, reply.elapsedTime / 1000)
  })
  return registry
}
