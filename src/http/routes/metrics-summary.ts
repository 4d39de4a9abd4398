// GET /api/v1/metrics/summary: counts by phase, median and p90 times to follow up and to close.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { ServiceContext } from '../../service/context.js'
import { metricsSummary } from '../../service/metrics-summary.js'
import { METRICS_SUMMARY_SCHEMA, MetricsSummaryQuery } from '../schemas/api-v1.js'
import { rejectUnknownQuery, tenantOf } from './api-v1-request.js'

export const metricsSummaryRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/metrics/summary',
    {
      preValidation: rejectUnknownQuery(Object.keys(MetricsSummaryQuery.properties)),
      schema: METRICS_SUMMARY_SCHEMA,
    },
    async (request) => {
      const { from, to } = request.query
      return metricsSummary(ctx, tenantOf(request), { from, to })
    },
  )
}
