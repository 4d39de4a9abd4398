// /settings (placeholder until the page lands).

import type { FastifyPluginAsync } from 'fastify'
import type { ServiceContext } from '../../service/context.js'

export const settingsRoutes: FastifyPluginAsync<{ ctx: ServiceContext }> = async () => {}
