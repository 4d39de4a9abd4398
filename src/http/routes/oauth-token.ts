// POST /oauth2/token (SPEC §10, RFC 6749 §4.4): client credentials -> a bearer token; errors as RFC 6749 §5.2.

import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import { ERROR_CODES, isFirehouseError } from '../../domain/errors.js'
import { isOAuthError, OAuthError } from '../../domain/oauth-error.js'
import type { ServiceContext } from '../../service/context.js'
import { issueToken } from '../../service/oauth-tokens.js'
import { refuseOtherMediaTypes } from '../common-checks.js'
import { asFirehouseError, createErrorHandlers, WORKFLOW_FRAMEWORK_ERRORS } from '../errors.js'
import { readTokenRequest } from '../oauth-request.js'
import type { BucketLimiter } from '../rate-limit.js'
import { ISSUE_TOKEN } from '../schemas/oauth.js'

export interface OAuthTokenOptions {
  ctx: ServiceContext
  region: string
  limit: BucketLimiter
  /** The server's requests/s per key, for tenants without their own (0: no limit). */
  defaultRate: number
}

const TOKEN_BODY_LIMIT = 4 * 1024
/**
 * Token requests a second per client id (burst twice that), or fewer if the tenant's own limit is
 * lower: a client needs one an hour, and each costs a hash and a write; the secret's 256 bits make
 * guessing hopeless at any rate.
 */
const TOKEN_REQUESTS_PER_S = 10
const FORM = 'application/x-www-form-urlencoded'

export const oauthToken: FastifyPluginAsync<OAuthTokenOptions> = async (app, { ctx, region, limit, defaultRate }) => {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(FORM, { parseAs: 'buffer', bodyLimit: TOKEN_BODY_LIMIT }, (_request, body, done) => done(null, body))
  refuseOtherMediaTypes(app, TOKEN_BODY_LIMIT)
  const fallback = createErrorHandlers(ctx, { surface: 'api', formatOf: () => 'json', framework: WORKFLOW_FRAMEWORK_ERRORS })
  app.setErrorHandler((error, request, reply) => {
    const refusal = asOAuthError(error)
    return refusal ? sendRefusal(reply, refusal) : fallback.onError(error, request, reply)
  })

  app.post('/oauth2/token', { schema: ISSUE_TOKEN }, async (request, reply) => {
    const { clientId, clientSecret, grantType, scope } = readTokenRequest(request)
    const throttle = (id: string, tenant: { rate_limit: number | null }) =>
      limit(`token:${id}`, Math.min(TOKEN_REQUESTS_PER_S, tenant.rate_limit ?? defaultRate), reply)
    const token = await issueToken(ctx, { clientId, clientSecret, grantType, scope }, region, throttle)
    const body = { access_token: token.accessToken, token_type: 'Bearer', expires_in: token.expiresIn }
    return noStore(reply).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body))
  })
}

/** RFC 6749 §5.1: token answers, and refusals, are never cached. */
function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').header('pragma', 'no-cache')
}

/**
 * The RFC refusal an error means: ours, a rate limit (slow_down), or a request Fastify or the
 * common checks refused (its size, media type, a second Content-Type) as invalid_request. Null
 * for the server's own failures (500000, 503000), answered in the SPEC's envelope.
 */
function asOAuthError(error: unknown): OAuthError | null {
  if (isOAuthError(error)) return error
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && Object.hasOwn(FRAMEWORK_REFUSALS, code)) return new OAuthError('invalid_request', `Invalid request: ${FRAMEWORK_REFUSALS[code]}`)
  const known = asFirehouseError(error)
  if (!known) return null
  if (known.code === ERROR_CODES.RATE_LIMITED) {
    return new OAuthError('slow_down', 'Too many token requests for this client', { retryAfter: known.details.retryAfter })
  }
  if (known.code >= ERROR_CODES.INTERNAL) return null
  return new OAuthError('invalid_request', `Invalid request: ${known.message.replace(/^(Malformed request|Invalid argument|Unsupported Content-Type): /, '')}`)
}

/** Fastify's refusals of the body, in this endpoint's words. */
const FRAMEWORK_REFUSALS: Readonly<Record<string, string>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: `the body is larger than ${TOKEN_BODY_LIMIT / 1024} KiB`,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: `the body must be ${FORM}`,
}

function sendRefusal(reply: FastifyReply, refusal: OAuthError): FastifyReply {
  const status = refusal.error === 'invalid_client' ? 401 : refusal.error === 'slow_down' ? 429 : 400
  // RFC 9110 §15.5.2: a 401 names the scheme to use, whichever way the client sent its credentials.
  if (status === 401) reply.header('www-authenticate', 'Basic realm="firehouse"')
  if (refusal.details.retryAfter !== undefined) reply.header('retry-after', String(refusal.details.retryAfter))
  const body = { error: refusal.error, error_description: refusal.message }
  return noStore(reply).code(status).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(body))
}
