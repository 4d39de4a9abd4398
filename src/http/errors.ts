// FirehouseError -> HTTP status and error envelope, per surface; Fastify's own errors mapped in.

import type { FastifyReply, FastifyRequest } from 'fastify'
import { ERROR_CODES, FirehouseError, isFirehouseError, type ErrorCode } from '../domain/errors.js'
import { CONTENT_TYPES, renderEnvelope, type Format } from './formats.js'

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

/** Fastify's own request errors, by their code, as the SPEC codes they mean. */
const FASTIFY_ERRORS: Record<string, () => FirehouseError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: () => new FirehouseError('BODY_TOO_LARGE', 'Request body is larger than 64 KiB'),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () =>
    new FirehouseError(
      'UNSUPPORTED_MEDIA_TYPE',
      'Unsupported Content-Type: use application/x-www-form-urlencoded, multipart/form-data or application/json',
    ),
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: () =>
    new FirehouseError('MALFORMED_BODY', 'Malformed request: the body does not match its Content-Length'),
  FST_ERR_CTP_INVALID_TYPE: () => new FirehouseError('UNSUPPORTED_MEDIA_TYPE', 'Invalid Content-Type header'),
  // Fastify's default JSON parser still serves the routes outside /v4.1 and /api/v1 (and their 404s).
  FST_ERR_CTP_EMPTY_JSON_BODY: () => new FirehouseError('MALFORMED_BODY', 'Malformed request: empty JSON body'),
  FST_ERR_CTP_INVALID_JSON_BODY: () => new FirehouseError('MALFORMED_BODY', 'Malformed request: the body is not valid JSON'),
}

/** The FirehouseError an error means, or null for an unexpected (internal) error. */
export function asFirehouseError(error: unknown): FirehouseError | null {
  if (isFirehouseError(error)) return error
  const code = (error as { code?: unknown } | null)?.code
  const known = typeof code === 'string' ? FASTIFY_ERRORS[code] : undefined
  return known ? known() : null
}

/** Sends any error as the surface's envelope; unexpected ones are logged and become 500000. */
export function sendError(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  surface: Surface,
  format: Format,
): FastifyReply {
  let known = asFirehouseError(error)
  if (!known) {
    request.log.error({ err: error }, 'internal error')
    known = new FirehouseError('INTERNAL', `Internal error (request id ${request.id})`)
  } else if (known.code === ERROR_CODES.UNAVAILABLE) {
    request.log.warn({ err: known.cause }, known.message)
  }
  const { retryAfter, allow } = known.details
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter))
  if (allow) reply.header('allow', allow.join(', '))
  return reply
    .code(httpStatusFor(known.code, surface))
    .header('content-type', CONTENT_TYPES[format])
    .send(renderEnvelope({ Error: { Message: known.message, Code: known.code } }, format))
}
