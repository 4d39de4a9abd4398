// GET /api/v1/cases/{cgid} (one case, SPEC §4) and GET /api/v1/cases (the sync feed).

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { parseCgid } from '../../domain/workflow-input.js'
import { listCases } from '../../service/case-feed.js'
import { showCase } from '../../service/case-view.js'
import type { ServiceContext } from '../../service/context.js'
import { CaseListQuery, GET_CASE_SCHEMA, LIST_CASES_SCHEMA } from '../schemas/api-v1.js'
import { acceptPhaseWords, rejectUnknownQuery, tenantOf } from './api-v1-request.js'

export const caseRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get(
    '/cases/:cgid',
    {
      preValidation: rejectUnknownQuery([]),
      schema: GET_CASE_SCHEMA,
    },
    async (request) => {
      const { cgid } = request.params
      return showCase(ctx, { id: tenantOf(request) }, parseCgid(cgid))
    },
  )
  app.get(
    '/cases',
    {
      preValidation: [rejectUnknownQuery(Object.keys(CaseListQuery.properties)), acceptPhaseWords],
      schema: LIST_CASES_SCHEMA,
    },
    async (request) => {
      const query = request.query
      return listCases(ctx, tenantOf(request), {
        status: query.status,
        assignedTo: query.assigned_to,
        updatedSince: query.updated_since,
        perPage: query.per_page,
        cursor: query.cursor,
      })
    },
  )
}
