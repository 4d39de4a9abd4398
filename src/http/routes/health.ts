// Liveness and readiness probes; no API key needed.

import type { FastifyPluginAsync } from 'fastify'
import type { ServiceContext } from '../../service/context.js'
import { checkDatabaseReady } from '../../service/database.js'

export const healthRoutes: FastifyPluginAsync<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async () => {
    await checkDatabaseReady(ctx)
    return { status: 'ready' }
  })
}
