// Operations: liveness, readiness and Prometheus metrics; no API key needed.

import type { FastifyPluginAsync } from 'fastify'
import type { Registry } from 'prom-client'
import type { ServiceContext } from '../../service/context.js'
import { checkDatabaseReady } from '../../service/database.js'

export const healthRoutes: FastifyPluginAsync<{ ctx: ServiceContext; metrics: Registry }> = async (app, { ctx, metrics }) => {
  app.get('/healthz', { schema: operation('Liveness: the process answers') }, async () => ({ status: 'ok' }))
  app.get('/readyz', { schema: operation('Readiness: the database answers and its migrations are current') }, async () => {
    await checkDatabaseReady(ctx)
    return { status: 'ready' }
  })
  app.get('/metrics', { schema: operation('Prometheus metrics of this process') }, async (_request, reply) => reply.header('content-type', metrics.contentType).send(await metrics.metrics()))
}

/** Operations routes need no API key: `security: []` says so in /openapi.json. */
function operation(summary: string) {
  return { summary, tags: ['operations'], security: [] }
}
