// The Workflow API v4.1 surface: POST /v4.1/workflow[.json|.xml], in the format of the extension.

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { Caller } from '../../service/api-keys.js'
import { parseWorkflowInput } from '../../domain/workflow-input.js'
import { confirmCaller } from '../../service/cached-callers.js'
import type { ServiceContext } from '../../service/context.js'
import { updateWorkflow } from '../../service/update-workflow.js'
import { authenticateRequest } from '../auth.js'
import { BODY_MEDIA_TYPES, readWorkflowFields } from '../body/read-fields.js'
import { refuseOtherMediaTypes } from '../common-checks.js'
import { createErrorHandlers, formatOfRequest, WORKFLOW_FRAMEWORK_ERRORS } from '../errors.js'
import { CONTENT_TYPES, formatOfUrl, renderEnvelope } from '../formats.js'
import type { RateLimiter } from '../rate-limit.js'
import { workflowV41Schema } from '../schemas/workflow-v41.js'
import { callerOf, readIdempotencyKey, readIfMatch } from '../write-headers.js'

export interface WorkflowV41Options {
  ctx: ServiceContext
  region: string
  rateLimiter: RateLimiter
}

export const WORKFLOW_BODY_LIMIT = 64 * 1024
const WORKFLOW_PATHS = ['/workflow', '/workflow.json', '/workflow.xml'] as const

export const workflowV41: FastifyPluginAsync<WorkflowV41Options> = async (app, { ctx, region, rateLimiter }) => {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser([...BODY_MEDIA_TYPES], { parseAs: 'buffer', bodyLimit: WORKFLOW_BODY_LIMIT }, (_request, body, done) =>
    done(null, body),
  )
  refuseOtherMediaTypes(app, WORKFLOW_BODY_LIMIT)
  const errors = createErrorHandlers(ctx, {
    surface: 'v41',
    formatOf: formatOfRequest,
    framework: WORKFLOW_FRAMEWORK_ERRORS,
  })
  // A caller remembered by this process is looked up before any error answer: a key revoked in
  // another process is refused with 200000, whatever else is wrong with the request.
  app.setErrorHandler(async (error, request, reply) => errors.onError(await keyRefusalOr(ctx, request.caller, error), request, reply))
  app.setNotFoundHandler(errors.onNotFound)

  const authorize = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await rateLimiter(await authenticateRequest(ctx, request, region, { remembered: true }), reply)
  }
  for (const url of WORKFLOW_PATHS) {
    app.post(url, { onRequest: authorize, schema: workflowV41Schema(url) }, async (request, reply) => {
      const input = parseWorkflowInput(await readWorkflowFields(request))
      const idempotencyKey = readIdempotencyKey(request)
      const expectedVersion = readIfMatch(request)
      const result = await updateWorkflow(ctx, callerOf(request), input, { idempotencyKey, expectedVersion })
      const format = formatOfUrl(request.url)
      const body = renderEnvelope({ Data: { number_customergauge: result.numberCustomergauge } }, format)
      return reply.header('content-type', CONTENT_TYPES[format]).send(body)
    })
  }
}

/** The request's error, or 200000 when its caller was remembered and its key is no longer valid. */
export async function keyRefusalOr(ctx: ServiceContext, caller: Caller | null, error: unknown): Promise<unknown> {
  if (!caller?.unconfirmedKey) return error
  try {
    await confirmCaller(ctx, caller)
    return error
  } catch (refusal) {
    return refusal
  }
}
