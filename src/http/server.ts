// buildServer(): the Fastify app with every surface registered; it never listens by itself.

import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import { FirehouseError } from '../domain/errors.js'
import type { ServiceContext } from '../service/context.js'
import { unavailableOr } from '../service/transaction.js'
import { sendError } from './errors.js'
import { formatOfUrl } from './formats.js'
import { instrument } from './metrics.js'
import { createRateLimiter } from './rate-limit.js'
import { healthRoutes } from './routes/health.js'
import { WORKFLOW_BODY_LIMIT, workflowV41 } from './routes/workflow-v41.js'

export interface ServerDeps {
  config: Config
  ctx: ServiceContext
}

/** Bounds on slow or idle clients, so a slow-loris cannot hold sockets for long. */
const REQUEST_TIMEOUT_MS = 30_000
const KEEP_ALIVE_TIMEOUT_MS = 5_000

export function buildServer({ config, ctx }: ServerDeps): FastifyInstance {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Secrets never reach the log, whatever a serializer is later taught to include.
      redact: ['req.headers.authorization', 'req.headers["idempotency-key"]'],
    },
    genReqId: () => randomUUID(),
    bodyLimit: WORKFLOW_BODY_LIMIT,
    exposeHeadRoutes: false,
    requestTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    return503OnClosing: true,
  })
  app.decorateRequest('caller', null)
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id)
    reply.header('x-content-type-options', 'nosniff')
    reply.header('cache-control', 'no-store')
  })
  app.setErrorHandler((error, request, reply) => sendError(request, reply, unavailableOr(ctx, error), 'api', formatOfUrl(request.url)))
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new FirehouseError('MODULE_NOT_FOUND', 'Module does not exist'), 'api', formatOfUrl(request.url)),
  )
  app.register(workflowV41, { prefix: '/v4.1', ctx, region: config.region, rateLimiter: createRateLimiter(config.rateLimit) })
  app.register(healthRoutes, { ctx, metrics: instrument(app, ctx) })
  return app
}
