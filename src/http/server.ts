// buildServer(): the Fastify app with every surface registered; it never listens by itself.

import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http'
import Fastify, { type FastifyHttpOptions, type FastifyInstance, type FastifyReply, type FastifyRequest, type FastifyServerOptions } from 'fastify'
import type { Logger } from 'pino'
import pinoPretty from 'pino-pretty'
import type { Registry } from 'prom-client'
import type { Config } from '../config.js'
import { FirehouseError } from '../domain/errors.js'
import type { ServiceContext } from '../service/context.js'
import { UNAVAILABLE_RETRY_AFTER_S } from '../service/transaction.js'
import { AccessLog, lazyRequestLogger, withoutQuery } from './access-log.js'
import { createClientErrors } from './client-error.js'
import { standardOutputLines } from './log-lines.js'
import { addCommonChecks } from './common-checks.js'
import { createErrorHandlers, formatOfRequest, WORKFLOW_FRAMEWORK_ERRORS } from './errors.js'
import { instrument } from './metrics.js'
import { registerOpenApi } from './openapi.js'
import { createBucketLimiter, createMemoryBuckets, createRateLimiter, type BucketStore } from './rate-limit.js'
import { createRedisBuckets } from './redis-buckets.js'
import { createClusterBuckets, runsUnderClusterPrimary } from './cluster-buckets.js'
import { apiV1 } from './routes/api-v1.js'
import { healthRoutes } from './routes/health.js'
import { v7 } from './routes/v7.js'
import { oauthToken } from './routes/oauth-token.js'
import { WORKFLOW_BODY_LIMIT, workflowV41 } from './routes/workflow-v41.js'
import { webSurface } from '../web/surface.js'
import { createWorkflowLane, type WorkflowLane } from './workflow-lane.js'
import type { HostResolver } from '../service/webhooks/settings.js'
import { runWebhooks } from './webhooks.js'

/** How log lines are written: JSON (the default, for machines), or readable for a person at a terminal. */
export type LogStyle = { format: 'json' } | { format: 'pretty'; colorize: boolean }

export interface ServerDeps {
  config: Config
  ctx: ServiceContext
  /** Decided by the caller, which knows where stdout goes; JSON when left out. */
  logStyle?: LogStyle
  /** How webhook hosts resolve: the system's DNS unless given (a test proves a changed answer is refused). */
  resolveHost?: HostResolver
}

/** Bounds on slow or idle clients, so a slow-loris cannot hold sockets for long (the rest is config). */
const KEEP_ALIVE_TIMEOUT_MS = 5_000
/** How often Node looks for requests past their header/request timeout (its default, 30 s, would let one live 30 s longer). */
const TIMEOUT_CHECK_INTERVAL_MS = 1_000

/** The headers of every answer. */
function setCommonHeaders(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('x-request-id', request.id)
  reply.header('x-content-type-options', 'nosniff')
  reply.header('cache-control', 'no-store')
}

export function buildServer({ config, ctx, logStyle = { format: 'json' }, resolveHost }: ServerDeps): FastifyInstance {
  // The routes outside /v4.1 and /api/v1 (health, /openapi.json, 404s) answer like the native API, in the path's format.
  const errors = createErrorHandlers(ctx, {
    surface: 'api',
    formatOf: formatOfRequest,
    framework: WORKFLOW_FRAMEWORK_ERRORS,
  })
  const clientErrors = createClientErrors()
  const lane = createWorkflowLane()
  const app = Fastify({
    // Node's server as Fastify makes it, with the v4.1 lane in front of Fastify's handler.
    serverFactory: (handler, options) => laneServer(lane, handler, options),
    logger: loggerOptions(config, logStyle),
    logController: new AccessLog(),
    childLoggerFactory: lazyRequestLogger,
    genReqId: () => randomUUID(),
    trustProxy: config.trustProxy === '' ? false : config.trustProxy,
    bodyLimit: WORKFLOW_BODY_LIMIT,
    exposeHeadRoutes: false,
    ...slowClientBounds(config),
    // While closing, Fastify would answer a request on a kept-alive connection with its own 503
    // body; the onRequest hook below answers 503000 in the path's format instead.
    return503OnClosing: false,
    // A request the HTTP parser rejects gets the SPEC envelope (300005) and headers, not Fastify's
    // own body, once the requests read before it on its connection are answered.
    clientErrorHandler: clientErrors.answer,
    // A path with malformed percent-encoding names no module: the envelope in the path's format,
    // not Fastify's own {"error":"Bad Request",…} body. No hook runs for it, hence the headers here.
    frameworkErrors: (error, request, reply) => {
      setCommonHeaders(request, reply)
      if (error.code === 'FST_ERR_BAD_URL') errors.onNotFound(request, reply)
      else errors.onError(error, request, reply)
    },
  })
  clientErrors.track(app.server)
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
  // After the shutdown check, before every surface's own: the order of checks (docs/errors.md).
  addCommonChecks(app)
  app.addHook('onSend', async (request, reply) => setCommonHeaders(request, reply))
  app.setErrorHandler(errors.onError)
  app.setNotFoundHandler(errors.onNotFound)
  registerOpenApi(app)
  const { registry: metrics, recordAnswer } = instrument(app, ctx)
  // One bucket per API key (or app) across every surface: its budget is the same whichever it calls.
  const buckets = bucketStore(app, config, metrics)
  const rateLimiter = createRateLimiter(config.rateLimit, buckets)
  app.register(workflowV41, { prefix: '/v4.1', ctx, region: config.region, rateLimiter })
  // Behind a trusted proxy the access line names the client as the proxy says (Fastify's reading
  // of X-Forwarded-*), and at debug Fastify logs each request it receives: both stay Fastify's.
  if (config.trustProxy === '' && !(app.log as unknown as Logger).isLevelEnabled('debug')) {
    lane.open({ ctx, region: config.region, rateLimiter, recordAnswer, log: app.log, isClosing: () => closing })
  }
  // The webhook dispatcher runs while the app does (started when ready, stopped on close).
  const urlRules = runWebhooks(app, { config, ctx, registry: metrics, resolveHost })
  app.register(apiV1, { prefix: '/api/v1', ctx, region: config.region, rateLimiter, urlRules })
  app.register(v7, { prefix: '/v7', ctx, region: config.region, rateLimiter })
  app.register(oauthToken, { ctx, region: config.region, limit: createBucketLimiter(buckets), defaultRate: config.rateLimit })
  app.register(healthRoutes, { ctx, metrics })
  app.register(webSurface, { ctx, region: config.region })
  return app
}

/**
 * The HTTP/1.1 server Fastify would make (its server.js) for these options, whose requests the
 * lane answers first (workflow-lane.ts); the rest go to Fastify's handler.
 */
function laneServer(lane: WorkflowLane, handler: (request: IncomingMessage, response: ServerResponse) => void, options: FastifyServerOptions & { http?: ServerOptions }): Server {
  const server = createServer(options.http ?? {}, (request, response) => {
    if (!lane.take(request, response)) handler(request, response)
  })
  if (options.keepAliveTimeout !== undefined) server.keepAliveTimeout = options.keepAliveTimeout
  if (options.requestTimeout !== undefined) server.requestTimeout = options.requestTimeout
  server.setTimeout(options.connectionTimeout ?? 0)
  if (options.maxRequestsPerSocket) server.maxRequestsPerSocket = options.maxRequestsPerSocket
  return server
}

function loggerOptions(config: Config, style: LogStyle): NonNullable<Exclude<FastifyServerOptions['logger'], boolean>> {
  return {
    level: config.logLevel,
    // Secrets never reach the log, whatever a serializer is later taught to include. A query
    // string may carry a key sent there by mistake (or a customer's comment): the path alone is
    // logged. Pino redacts before any stream sees the line, so the pretty one is covered too.
    redact: {
      paths: ['req.headers.authorization', 'req.headers["idempotency-key"]', 'req.url'],
      censor: (value, path) => (path.at(-1) === 'url' && typeof value === 'string' ? withoutQuery(value) : '[Redacted]'),
    },
    // In this thread (no worker to lose lines when the process stops): pretty lines synchronously,
    // JSON lines gathered per turn of the event loop (log-lines.ts).
    stream: style.format === 'pretty' ? pinoPretty({ sync: true, colorize: style.colorize }) : standardOutputLines(),
  }
}

/**
 * Bounds on slow clients. Fastify takes requestTimeout and keepAliveTimeout itself; the headers
 * bound and Node's check interval go through its `http` option (Node's createServer options).
 * requestTimeout is given there too: Node checks headersTimeout against it when creating the
 * server, before Fastify sets its own. Node's own Host check goes off there as well.
 */
function slowClientBounds(config: Config): Pick<FastifyHttpOptions<Server>, 'requestTimeout' | 'keepAliveTimeout' | 'http'> {
  const requestTimeout = config.requestTimeout * 1000
  return {
    requestTimeout,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    http: {
      requestTimeout,
      headersTimeout: config.headersTimeout * 1000,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
      // Node would answer a missing Host with an empty 400; common-checks.ts answers 300005 instead.
      requireHostHeader: false,
    },
  }
}

/**
 * Redis buckets (connected when the app is ready, closed with it) when configured; else the
 * buckets of `serve`'s primary for a worker of several, so the workers share one per key; else
 * this process's own.
 */
function bucketStore(app: FastifyInstance, config: Config, registry: Registry): BucketStore {
  if (config.redisUrl === null) {
    if (!runsUnderClusterPrimary()) return createMemoryBuckets()
    const shared = createClusterBuckets()
    app.addHook('onClose', () => shared.close())
    return shared
  }
  const buckets = createRedisBuckets({
    url: config.redisUrl,
    prefix: config.redisPrefix,
    fallback: createMemoryBuckets(),
    log: app.log,
    registry,
  })
  app.addHook('onReady', () => buckets.connect())
  app.addHook('onClose', () => buckets.close())
  return buckets
}
