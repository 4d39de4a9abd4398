// The Workflow API v4.1 surface: POST /v4.1/workflow[.json|.xml], in the format of the extension.

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { FirehouseError } from '../../domain/errors.js'
import { parseWorkflowInput } from '../../domain/workflow-input.js'
import type { ServiceContext } from '../../service/context.js'
import { updateWorkflow } from '../../service/update-workflow.js'
import { authenticateRequest } from '../auth.js'
import { BODY_MEDIA_TYPES, readWorkflowFields } from '../body/read-fields.js'
import { headerCount, refuseOtherMediaTypes } from '../common-checks.js'
import { createErrorHandlers, formatOfRequest, WORKFLOW_FRAMEWORK_ERRORS } from '../errors.js'
import { CONTENT_TYPES, formatOfUrl, renderEnvelope } from '../formats.js'
import type { RateLimiter } from '../rate-limit.js'
import { workflowV41Schema } from '../schemas/workflow-v41.js'

export interface WorkflowV41Options {
  ctx: ServiceContext
  region: string
  rateLimiter: RateLimiter
}

export const WORKFLOW_BODY_LIMIT = 64 * 1024
const WORKFLOW_PATHS = ['/workflow', '/workflow.json', '/workflow.xml'] as const
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/
/** One strong entity tag holding a version as read surfaces show it: `"0"`, `"12"`, up to 2^53−1. */
const IF_MATCH = /^"(0|[1-9][0-9]{0,15})"$/

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
  app.setErrorHandler(errors.onError)
  app.setNotFoundHandler(errors.onNotFound)

  const authorize = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await rateLimiter(await authenticateRequest(ctx, request, region), reply)
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

function callerOf(request: FastifyRequest): NonNullable<FastifyRequest['caller']> {
  if (!request.caller) throw new Error('route reached without authentication')
  return request.caller
}

function readIdempotencyKey(request: FastifyRequest): string | undefined {
  const header = request.headers['idempotency-key']
  if (header === undefined) return undefined
  // Node joins two into one value ("a, b"): refused by name rather than as a key with a space.
  if (headerCount(request, 'idempotency-key') > 1) {
    throw new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: the Idempotency-Key header is given more than once')
  }
  const key = String(header).trim()
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: Idempotency-Key must be 1 to 255 visible ASCII characters')
  }
  return key
}

/**
 * If-Match: `"<version>"` (SPEC §9), compared inside the write. A value that is no such entity tag
 * (`*`, a weak `W/` tag, a list, no quotes, not a version) or a repeated header is 300001: taking
 * one of several, or ignoring it, would write where the caller asked not to.
 */
function readIfMatch(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match']
  if (header === undefined) return undefined
  if (headerCount(request, 'if-match') > 1) {
    throw new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: the If-Match header is given more than once')
  }
  const value = String(header).trim()
  const version = IF_MATCH.exec(value)?.[1]
  if (version === undefined || !Number.isSafeInteger(Number(version))) {
    throw new FirehouseError('INVALID_ARGUMENT', `Invalid argument: If-Match ${ifMatchFault(value)}; send the case's version in double quotes (If-Match: "3")`)
  }
  return Number(version)
}

function ifMatchFault(value: string): string {
  if (value === '*') return '* is not taken'
  if (value.startsWith('W/')) return 'takes no weak entity tag (W/)'
  if (value.includes(',')) return 'takes one version, not a list'
  return 'is not a version'
}
