// /insights: the figures of the person's tenant (SPEC §7), for any signed-in person.

import type { FastifyPluginAsync } from 'fastify'
import type { ServiceContext } from '../../service/context.js'
import { loadInsights } from '../../service/insights.js'
import { sendHtml } from '../html.js'
import { personOf, viewerOf } from '../viewer.js'
import { InsightsPage } from '../views/insights-page.js'

export const insightsRoutes: FastifyPluginAsync<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get('/insights', async (request, reply) => {
    const person = personOf(request)
    const insights = await loadInsights(ctx, person.tenant.id, ctx.now())
    return sendHtml(reply, 200, InsightsPage({ viewer: viewerOf(request)!, insights }))
  })
}
