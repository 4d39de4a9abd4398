// Liveness and readiness probes; no API key needed.

import type { FastifyPluginAsync } from 'fastify'
import { sql } from 'kysely'
import type { ServiceContext } from '../../service/context.js'
import { withDatabase } from '../../service/transaction.js'

export const healthRoutes: FastifyPluginAsync<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get('/healthz', async () => ({ status: 'ok' }))
  app.get('/readyz', async () => {
    await withDatabase(ctx, (db) => sql`select 1`.execute(db))
    return { status: 'ready' }
  })
}
