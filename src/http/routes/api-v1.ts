// The native API surface (/api/v1, SPEC §5): JSON only, API key and rate limit on every route.

import type { FastifyError, FastifyPluginAsync } from 'fastify'
import { FirehouseError } from '../../domain/errors.js'
import type { ServiceContext } from '../../service/context.js'
import { unavailableOr } from '../../service/transaction.js'
import { authenticateRequest } from '../auth.js'
import { sendError } from '../errors.js'
import type { RateLimiter } from '../rate-limit.js'
import { caseRoutes } from './cases.js'
import { metricsSummaryRoutes } from './metrics-summary.js'
import { recordRoutes } from './records.js'

export interface ApiV1Options {
  ctx: ServiceContext
  region: string
  rateLimiter: RateLimiter
}

/** Fastify's own errors as this surface words them (its limits differ from the v4.1 endpoint's). */
const FRAMEWORK_ERRORS: Record<string, (error: FastifyError) => FirehouseError> = {
  FST_ERR_VALIDATION: (error) => new FirehouseError('INVALID_ARGUMENT', `Invalid argument: ${error.message}`),
  FST_ERR_CTP_BODY_TOO_LARGE: () => new FirehouseError('BODY_TOO_LARGE', 'Request body is larger than 10 MiB'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new FirehouseError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type: use application/json, application/x-ndjson or text/csv'),
}

export const apiV1: FastifyPluginAsync<ApiV1Options> = async (app, { ctx, region, rateLimiter }) => {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = FRAMEWORK_ERRORS[error.code]?.(error) ?? unavailableOr(ctx, error)
    return sendError(request, reply, known, 'api', 'json')
  })
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new FirehouseError('MODULE_NOT_FOUND', 'Module does not exist'), 'api', 'json'),
  )
  app.addHook('onRequest', async (request, reply) => {
    await rateLimiter(await authenticateRequest(ctx, request, region), reply)
  })
  await app.register(caseRoutes, { ctx })
  await app.register(recordRoutes, { ctx })
  await app.register(metricsSummaryRoutes, { ctx })
}
