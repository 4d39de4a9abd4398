// Authorization: api_key <KEY> -> the caller, or 200000 naming why the key is refused (300001 if sent twice).

import type { FastifyRequest } from 'fastify'
import { FirehouseError } from '../domain/errors.js'
import { authenticate, type Caller } from '../service/api-keys.js'
import type { ServiceContext } from '../service/context.js'
import { headerCount } from './common-checks.js'

const API_KEY_SCHEME = /^api_key(?:[ \t]+(.*))?$/i
const MAX_KEY_LENGTH = 200

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request speaks for; null until authentication ran. */
    caller: Caller | null
  }
}

/** The key the Authorization header presents (the scheme name is case-insensitive). */
export function presentedApiKey(header: string | undefined): string {
  if (header === undefined || header.trim() === '') throw new FirehouseError('INVALID_API_KEY', 'Missing API key')
  const match = API_KEY_SCHEME.exec(header.trim())
  if (!match) {
    throw new FirehouseError('INVALID_API_KEY', 'Malformed Authorization header: send "Authorization: api_key <KEY>"')
  }
  const key = (match[1] ?? '').trim()
  if (key === '') throw new FirehouseError('INVALID_API_KEY', 'Missing API key')
  if (key.length > MAX_KEY_LENGTH || /\s/.test(key)) throw new FirehouseError('INVALID_API_KEY', 'Invalid API key')
  return key
}

export async function authenticateRequest(ctx: ServiceContext, request: FastifyRequest, region: string): Promise<Caller> {
  // Node keeps the first of two: which key a proxy or a log saw would be anyone's guess.
  if (headerCount(request, 'authorization') > 1) {
    throw new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: the Authorization header is given more than once')
  }
  const caller = await authenticate(ctx, presentedApiKey(request.headers.authorization), region)
  request.caller = caller
  return caller
}
