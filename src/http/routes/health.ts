// Operations: liveness, readiness and Prometheus metrics; no API key needed.

import type { FastifyPluginAsync } from 'fastify'
import type { Registry } from 'prom-client'
import type { ServiceContext } from '../../service/context.js'
import { checkDatabaseReady } from '../../service/database.js'
import { LIVENESS_SCHEMA, METRICS_SCHEMA, READINESS_SCHEMA } from '../schemas/operations.js'

export const healthRoutes: FastifyPluginAsync<{ ctx: ServiceContext; metrics: Registry }> = async (app, { ctx, metrics }) => {
  app.get('/healthz', { schema: LIVENESS_SCHEMA }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: READINESS_SCHEMA }, async () => {
    await checkDatabaseReady(ctx)
    return { status: 'ready' }
  })
  app.get('/metrics', { schema: METRICS_SCHEMA }, async (_request, reply) => reply.header('content-type', metrics.contentType).send(await metrics.metrics()))
}
