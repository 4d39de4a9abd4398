// buildServer(): the Fastify app with every surface registered; it never listens by itself.

import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Config } from '../config.js'
import { FirehouseError } from '../domain/errors.js'
import type { ServiceContext } from '../service/context.js'
import { UNAVAILABLE_RETRY_AFTER_S, unavailableOr } from '../service/transaction.js'
import { sendError } from './errors.js'
import { formatOfUrl } from './formats.js'
import { instrument } from './metrics.js'
import { registerOpenApi } from './openapi.js'
import { createRateLimiter } from './rate-limit.js'
import { apiV1 } from './routes/api-v1.js'
import { healthRoutes } from './routes/health.js'
import { WORKFLOW_BODY_LIMIT, workflowV41 } from './routes/workflow-v41.js'

export interface ServerDeps {
  config: Config
  ctx: ServiceContext
}

/** Bounds on slow or idle clients, so a slow-loris cannot hold sockets for long. */
const REQUEST_TIMEOUT_MS = 30_000
const KEEP_ALIVE_TIMEOUT_MS = 5_000

/** The headers of every answer. */
function setCommonHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id)
  reply.header('x-content-type-options', 'nosniff')
  reply.header('cache-control', 'no-store')
}

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
    // While closing, Fastify would answer a request on a kept-alive connection with its own 503
    // body; the onRequest hook below answers 503000 in the path's format instead.
    return503OnClosing: false,
    // A path with malformed percent-encoding names no module: the envelope in the path's format,
    // not Fastify's own {"error":"Bad Request",…} body. No hook runs for it, hence the headers here.
    frameworkErrors: (error, request, reply) => {
      setCommonHeaders(request, reply)
      const known = error.code === 'FST_ERR_BAD_URL' ? new FirehouseError('MODULE_NOT_FOUND', 'Module does not exist') : error
      sendError(request, reply, known, 'api', formatOfUrl(request.url))
    },
  })
  app.decorateRequest('caller', null)
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  app.addHook('onRequest', async () => {
    if (closing) {
      throw new FirehouseError('UNAVAILABLE', 'Service unavailable: the server is shutting down, try again', {
        details: { retryAfter: UNAVAILABLE_RETRY_AFTER_S },
      })
    }
  })
  app.addHook('onSend', async (request, reply) => setCommonHeaders(request, reply))
  app.setErrorHandler((error, request, reply) => sendError(request, reply, unavailableOr(ctx, error), 'api', formatOfUrl(request.url)))
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new FirehouseError('MODULE_NOT_FOUND', 'Module does not exist'), 'api', formatOfUrl(request.url)),
  )
  registerOpenApi(app)
  // One bucket per API key across both surfaces: a key's budget is the same whichever it calls.
  const rateLimiter = createRateLimiter(config.rateLimit)
  app.register(workflowV41, { prefix: '/v4.1', ctx, region: config.region, rateLimiter })
  app.register(apiV1, { prefix: '/api/v1', ctx, region: config.region, rateLimiter })
  app.register(healthRoutes, { ctx, metrics: instrument(app, ctx) })
  return app
}
