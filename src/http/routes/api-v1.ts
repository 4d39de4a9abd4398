// The native API surface (/api/v1, SPEC §5): JSON only, API key and rate limit on every route.

import type { FastifyPluginAsync } from 'fastify'
import type { ServiceContext } from '../../service/context.js'
import type { UrlRules } from '../../service/webhooks/url-rules.js'
import { authenticateRequest } from '../auth.js'
import { createErrorHandlers, frameworkErrors } from '../errors.js'
import type { RateLimiter } from '../rate-limit.js'
import { requireDecimalIntegers } from './api-v1-request.js'
import { caseRoutes } from './cases.js'
import { metricsSummaryRoutes } from './metrics-summary.js'
import { recordRoutes } from './records.js'
import { settingsRoutes } from './settings.js'
import { webhookRoutes } from './webhooks.js'

export interface ApiV1Options {
  ctx: ServiceContext
  region: string
  rateLimiter: RateLimiter
  /** What a webhook URL may be (SPEC §8). */
  urlRules: UrlRules
}

/** Fastify's own errors in this surface's words: its body limit and media types are the imports' (records.ts). */
const API_V1_FRAMEWORK_ERRORS = frameworkErrors({
  limit: '10 MiB',
  mediaTypes: 'application/json, application/x-ndjson or text/csv',
})

export const apiV1: FastifyPluginAsync<ApiV1Options> = async (app, { ctx, region, rateLimiter, urlRules }) => {
  const errors = createErrorHandlers(ctx, {
    surface: 'api',
    formatOf: () => 'json',
    framework: API_V1_FRAMEWORK_ERRORS,
  })
  app.setErrorHandler(errors.onError)
  app.setNotFoundHandler(errors.onNotFound)
  app.addHook('onRequest', async (request, reply) => {
    await rateLimiter(await authenticateRequest(ctx, request, region), reply)
  })
  app.addHook('preValidation', requireDecimalIntegers)
  await app.register(caseRoutes, { ctx })
  await app.register(recordRoutes, { ctx })
  await app.register(metricsSummaryRoutes, { ctx })
  await app.register(webhookRoutes, { ctx, urlRules })
  await app.register(settingsRoutes, { ctx })
}
