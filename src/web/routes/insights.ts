// /insights (placeholder until the page lands).

import type { FastifyPluginAsync } from 'fastify'
import type { ServiceContext } from '../../service/context.js'

export const insightsRoutes: FastifyPluginAsync<{ ctx: ServiceContext }> = async () => {}
