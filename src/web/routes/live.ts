// /live: the tenant's change sequence, which the board's script polls to know when to refresh.

import type { FastifyPluginAsync } from 'fastify'
import { changeSequence } from '../../service/board.js'
import type { ServiceContext } from '../../service/context.js'
import { personOf } from '../viewer.js'

export const liveRoutes: FastifyPluginAsync<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  // Polling the database's sequence (not an in-process event) sees changes made on every node.
  app.get('/live', async (request) => ({ seq: await changeSequence(ctx, personOf(request).tenant.id) }))
}
