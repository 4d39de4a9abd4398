// GET and PUT /api/v1/settings/workflow (SPEC §9): the tenant's workflow rules; only admin keys change them.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { FirehouseError } from '../../domain/errors.js'
import type { ServiceContext } from '../../service/context.js'
import {
  getWorkflowRules,
  rulesToJson,
  requireRulesAdmin,
  rulesUpdateFromJson,
  setWorkflowRules,
  type WorkflowRulesUpdateJson,
} from '../../service/workflow-rules.js'
import { GET_WORKFLOW_RULES, SET_WORKFLOW_RULES } from '../schemas/settings.js'
import { rejectUnknownQuery, tenantOf } from './api-v1-request.js'

const SETTINGS_BODY_LIMIT = 64 * 1024

export const settingsRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.removeContentTypeParser('text/plain')
  const noQuery = rejectUnknownQuery([])
  app.get('/settings/workflow', { schema: GET_WORKFLOW_RULES, preValidation: noQuery }, async (request) =>
    rulesToJson(await getWorkflowRules(ctx, { id: tenantOf(request) })),
  )
  app.put(
    '/settings/workflow',
    // The body is checked here, as sent: Fastify's validator would coerce null into 0 and "true" into true.
    { schema: SET_WORKFLOW_RULES, bodyLimit: SETTINGS_BODY_LIMIT, preValidation: noQuery },
    async (request) => {
      // Who asks before what: any other key is 403 whatever its body says.
      const admin = request.caller?.admin === true
      requireRulesAdmin(admin)
      const update = rulesUpdateFromJson(readRulesUpdate(request.body))
      return rulesToJson(await setWorkflowRules(ctx, { id: tenantOf(request) }, update, admin))
    },
  )
}

/** A PUT body exactly as the schema says, or 300001 naming the first field that is not. */
function readRulesUpdate(body: unknown): WorkflowRulesUpdateJson {
  const rules = objectOf(body, 'the body')
  for (const [name, value] of Object.entries(rules)) {
    if (name === 'auto_open') checkAutoOpen(value)
    else if (['progressive', 'comment_on_status_change', 'comment_on_reassign'].includes(name)) {
      if (typeof value !== 'boolean') throw invalid(`${name} must be true or false`)
    } else throw invalid(`unknown field ${JSON.stringify(name.slice(0, 100))}`)
  }
  return rules as WorkflowRulesUpdateJson
}

function checkAutoOpen(value: unknown): void {
  for (const [name, part] of Object.entries(objectOf(value, 'auto_open'))) {
    if (name === 'nps_min' || name === 'nps_max') {
      if (part !== null && !Number.isInteger(part)) throw invalid(`auto_open.${name} must be an integer or null`)
    } else if (name === 'field') {
      if (part !== null && typeof part !== 'string') throw invalid('auto_open.field must be a string or null')
    } else throw invalid(`unknown field ${JSON.stringify(`auto_open.${name.slice(0, 100)}`)}`)
  }
}

function objectOf(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${what} must be a JSON object`)
  return value as Record<string, unknown>
}

function invalid(reason: string): FirehouseError {
  return new FirehouseError('INVALID_ARGUMENT', `Invalid argument: ${reason}`)
}

