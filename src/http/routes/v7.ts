// CustomerGauge's v7 Close the Loop calls (SPEC §10): JSON only, authenticated and rate limited as /api/v1,
// with its error envelope and REST statuses.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { parseCloseLoopStatus } from '../../domain/close-loop-input.js'
import { setCloseLoopStatus, syncCloseLoop } from '../../service/close-loop.js'
import type { ServiceContext } from '../../service/context.js'
import { authenticateRequest } from '../auth.js'
import { parseJsonFields } from '../body/json-fields.js'
import { refuseOtherMediaTypes } from '../common-checks.js'
import { createErrorHandlers, frameworkErrors } from '../errors.js'
import type { RateLimiter } from '../rate-limit.js'
import { PUT_CLOSE_LOOP_STATUS_SCHEMA, SYNC_CLOSE_LOOP_SCHEMA, SyncCloseLoopQuery } from '../schemas/v7.js'
import { callerOf, readIdempotencyKey, readIfMatch } from '../write-headers.js'
import { rejectUnknownQuery, requireDecimalIntegers, tenantOf } from './api-v1-request.js'

export interface V7Options {
  ctx: ServiceContext
  region: string
  rateLimiter: RateLimiter
}

/** As v4.1's body: a status change is a few fields and a note of at most 10,000 characters. */
export const V7_BODY_LIMIT = 64 * 1024

const V7_FRAMEWORK_ERRORS = frameworkErrors({ limit: '64 KiB', mediaTypes: 'application/json' })

export const v7: FastifyPluginAsyncTypebox<V7Options> = async (app, { ctx, region, rateLimiter }) => {
  // The body is read as bytes: its own parser refuses repeated keys, which JSON.parse would drop.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: V7_BODY_LIMIT }, (_request, body, done) => done(null, body))
  refuseOtherMediaTypes(app, V7_BODY_LIMIT)
  const errors = createErrorHandlers(ctx, { surface: 'api', formatOf: () => 'json', framework: V7_FRAMEWORK_ERRORS })
  app.setErrorHandler(errors.onError)
  app.setNotFoundHandler(errors.onNotFound)
  // The same key (or, once they exist, bearer token) check and bucket as every other surface.
  app.addHook('onRequest', async (request, reply) => {
    await rateLimiter(await authenticateRequest(ctx, request, region), reply)
  })
  app.addHook('preValidation', requireDecimalIntegers)

  app.put(
    '/rest/close-loop/status',
    { schema: PUT_CLOSE_LOOP_STATUS_SCHEMA, bodyLimit: V7_BODY_LIMIT, preValidation: rejectUnknownQuery([]) },
    async (request) => {
      const body = request.body instanceof Uint8Array ? request.body : new Uint8Array()
      const input = parseCloseLoopStatus(parseJsonFields(body))
      const idempotencyKey = readIdempotencyKey(request)
      const expectedVersion = readIfMatch(request)
      return { data: await setCloseLoopStatus(ctx, callerOf(request), input, { idempotencyKey, expectedVersion }) }
    },
  )

  app.get(
    '/rest/sync/close-loop',
    { schema: SYNC_CLOSE_LOOP_SCHEMA, preValidation: rejectUnknownQuery(Object.keys(SyncCloseLoopQuery.properties)) },
    async (request) => {
      const query = request.query
      return syncCloseLoop(ctx, tenantOf(request), {
        perPage: query.per_page,
        cursor: query.cursor,
        start: query['updated_at[start]'],
        end: query['updated_at[end]'],
      })
    },
  )
}
