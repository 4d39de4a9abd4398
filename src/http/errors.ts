// FirehouseError -> HTTP status and error envelope, per surface; Fastify's own errors mapped in.

import { STATUS_CODES } from 'node:http'
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { ERROR_CODES, FirehouseError, isFirehouseError, type ErrorCode } from '../domain/errors.js'
import type { ServiceContext } from '../service/context.js'
import { unavailableOr } from '../service/transaction.js'
import { CONTENT_TYPES, formatOfUrl, renderEnvelope, type Format } from './formats.js'

export type Surface = 'v41' | 'api'

const V41_STATUS: Record<ErrorCode, number> = {
  200000: 401,
  200001: 403,
  300000: 400,
  300001: 400,
  300002: 404,
  300003: 405,
  300004: 400,
  300005: 400,
  300006: 413,
  300007: 415,
  300008: 429,
  300009: 422,
  300010: 409,
  400011: 400,
  400200: 400,
  400201: 400,
  400202: 400,
  400203: 400,
  400204: 400,
  400205: 400,
  400206: 409,
  400207: 400,
  400300: 400,
  400301: 404,
  500000: 500,
  503000: 503,
}

/** The native API keeps the codes but answers with REST-correct statuses (SPEC §5). */
const API_STATUS_OVERRIDES: Partial<Record<ErrorCode, number>> = {
  [ERROR_CODES.WORKFLOW_NOT_FOUND]: 404,
}

export function httpStatusFor(code: ErrorCode, surface: Surface): number {
  return (surface === 'api' ? API_STATUS_OVERRIDES[code] : undefined) ?? V41_STATUS[code]
}

/** Fastify's own errors, by their code, as the SPEC errors they mean on one surface. */
export type FrameworkErrors = Readonly<Record<string, (error: FastifyError) => FirehouseError>>

/** What a surface's request bodies may be, in the words its refusals use. */
export interface BodyRules {
  /** The body limit, e.g. '64 KiB'. */
  limit: string
  /** The media types it accepts, e.g. 'application/json or text/csv'. */
  mediaTypes: string
}

/** The one mapping of Fastify's errors; only a surface's body rules change its wording. */
export function frameworkErrors({ limit, mediaTypes }: BodyRules): FrameworkErrors {
  return {
    FST_ERR_VALIDATION: (error) =>
      new FirehouseError('INVALID_ARGUMENT', `Invalid argument: ${error.message}`),
    FST_ERR_CTP_BODY_TOO_LARGE: () =>
      new FirehouseError('BODY_TOO_LARGE', `Request body is larger than ${limit}`),
    FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
      new FirehouseError('UNSUPPORTED_MEDIA_TYPE', `Unsupported Content-Type: use ${mediaTypes}`),
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
      new FirehouseError('MALFORMED_BODY', 'Malformed request: the body does not match its Content-Length'),
    FST_ERR_CTP_INVALID_TYPE: () =>
      new FirehouseError('UNSUPPORTED_MEDIA_TYPE', 'Invalid Content-Type header'),
    // Fastify's default JSON parser still serves the routes outside /v4.1 and /api/v1 (and their 404s).
    FST_ERR_CTP_EMPTY_JSON_BODY: () =>
      new FirehouseError('MALFORMED_BODY', 'Malformed request: empty JSON body'),
    FST_ERR_CTP_INVALID_JSON_BODY: () =>
      new FirehouseError('MALFORMED_BODY', 'Malformed request: the body is not valid JSON'),
    // The /docs page's files (@fastify/static): a path it refuses (`..`, NUL) names no file we serve.
    FST_STATIC_FORBIDDEN_PATH: () => new FirehouseError('MODULE_NOT_FOUND', 'Module does not exist'),
  }
}

/**
 * The v4.1 endpoint's wording, which the other routes outside /api/v1 share: their body limit is
 * the endpoint's (server.ts), and so is the board's form limit.
 */
export const WORKFLOW_FRAMEWORK_ERRORS = frameworkErrors({
  limit: '64 KiB',
  mediaTypes: 'application/x-www-form-urlencoded, multipart/form-data or application/json',
})

/** The FirehouseError an error means, or null for an unexpected (internal) error. */
export function asFirehouseError(
  error: unknown,
  framework: FrameworkErrors = WORKFLOW_FRAMEWORK_ERRORS,
): FirehouseError | null {
  if (isFirehouseError(error)) return error
  const code = (error as { code?: unknown } | null)?.code
  const known = typeof code === 'string' && Object.hasOwn(framework, code) ? framework[code] : undefined
  return known ? known(error as FastifyError) : clientFault(error)
}

/**
 * An error of Fastify or a plugin that blames the request (a 4xx status: a Range the /docs files
 * cannot satisfy, an If-Match they do not meet) is the caller's fault, not a 500 to log and alert
 * on: 300002 for "no such thing", else 300001 naming the status. Its text is never echoed.
 */
function clientFault(error: unknown): FirehouseError | null {
  const status = (error as { statusCode?: unknown } | null)?.statusCode
  if (typeof status !== 'number' || status < 400 || status > 499) return null
  if (status === 403 || status === 404 || status === 410) return new FirehouseError('MODULE_NOT_FOUND', 'Module does not exist')
  return new FirehouseError('INVALID_ARGUMENT', `Invalid argument: ${STATUS_CODES[status] ?? `HTTP ${status}`}`)
}

/** How one surface answers errors. */
export interface SurfaceErrors {
  /** Whose status table applies. */
  surface: Surface
  /** The format of its answers. */
  formatOf: (request: FastifyRequest) => Format
  /** Its wording of Fastify's own errors. */
  framework: FrameworkErrors
}

/** The answer's format from the path's extension (.json, .xml), for the surfaces that offer both. */
export const formatOfRequest = (request: FastifyRequest): Format => formatOfUrl(request.url)

/**
 * A surface's error handler and not-found handler. Every error becomes the surface's envelope:
 * a lost database becomes 503000 with Retry-After, anything unexpected is logged and becomes 500000.
 */
export function createErrorHandlers(ctx: ServiceContext, { surface, formatOf, framework }: SurfaceErrors) {
  return {
    onError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
      const known = asFirehouseError(unavailableOr(ctx, error), framework)
      return sendError(request, reply, known ?? error, surface, formatOf(request))
    },
    onNotFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
      const known = new FirehouseError('MODULE_NOT_FOUND', 'Module does not exist')
      return sendError(request, reply, known, surface, formatOf(request))
    },
  }
}

/** Sends any error as the surface's envelope; unexpected ones are logged and become 500000. */
function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  surface: Surface,
  format: Format,
): FastifyReply {
  const answer = errorAnswer(loggedError(error, request.log, request.id), surface, format)
  for (let i = 0; i < answer.headers.length; i += 2) reply.header(answer.headers[i]!, answer.headers[i + 1]!)
  return reply.code(answer.status).send(answer.body)
}

/**
 * The FirehouseError an answer gives for `error`: itself when it is one, else (unexpected) 500000
 * naming the request's id, logged on `log` with the error. A lost database (503000) is logged too.
 */
export function loggedError(error: unknown, log: FastifyBaseLogger, requestId: string): FirehouseError {
  if (!isFirehouseError(error)) {
    log.error({ err: error }, 'internal error')
    return new FirehouseError('INTERNAL', `Internal error (request id ${requestId})`)
  }
  if (error.code === ERROR_CODES.UNAVAILABLE) log.warn({ err: error.cause }, error.message)
  return error
}

/** An error's answer on a surface: its status, its own headers (name, value, …) in the order sent, its envelope. */
export interface ErrorAnswer {
  status: number
  headers: string[]
  body: string
}

export function errorAnswer(error: FirehouseError, surface: Surface, format: Format): ErrorAnswer {
  const headers: string[] = []
  const { retryAfter, allow } = error.details
  if (retryAfter !== undefined) headers.push('retry-after', String(retryAfter))
  if (allow) headers.push('allow', allow.join(', '))
  headers.push('content-type', CONTENT_TYPES[format])
  return {
    status: httpStatusFor(error.code, surface),
    headers,
    body: renderEnvelope({ Error: { Message: error.message, Code: error.code } }, format),
  }
}
