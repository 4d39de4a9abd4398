// Authorization: api_key <KEY> or Bearer <TOKEN> -> the caller, or 200000 naming why it is refused (300001 if sent twice).

import type { FastifyRequest } from 'fastify'
import { FirehouseError } from '../domain/errors.js'
import { authenticate, authenticateHash, hashApiKey, type Caller } from '../service/api-keys.js'
import type { CallerCache } from '../service/cached-callers.js'
import type { ServiceContext } from '../service/context.js'
import { authenticateToken } from '../service/oauth-tokens.js'
import { headerCount } from './common-checks.js'

/** The two schemes (names case-insensitive, as HTTP auth schemes are) and what follows them. */
const SCHEME = /^(api_key|bearer)(?:[ \t]+(.*))?$/i
const MAX_CREDENTIAL_LENGTH = 200

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request speaks for; null until authentication ran. */
    caller: Caller | null
  }
}

/** What the Authorization header presents: an API key (SPEC §1) or a bearer token (SPEC §10). */
export type Credential = { kind: 'api_key'; key: string } | { kind: 'bearer'; token: string }

export function presentedCredential(header: string | undefined): Credential {
  if (header === undefined || header.trim() === '') throw new FirehouseError('INVALID_API_KEY', 'Missing API key')
  const match = SCHEME.exec(header.trim())
  if (!match) {
    throw new FirehouseError(
      'INVALID_API_KEY',
      'Malformed Authorization header: send "Authorization: api_key <KEY>" or "Authorization: Bearer <TOKEN>"',
    )
  }
  const bearer = match[1]!.toLowerCase() === 'bearer'
  const value = (match[2] ?? '').trim()
  if (value === '') throw new FirehouseError('INVALID_API_KEY', bearer ? 'Missing access token' : 'Missing API key')
  if (value.length > MAX_CREDENTIAL_LENGTH || /\s/.test(value)) {
    throw new FirehouseError('INVALID_API_KEY', bearer ? 'Invalid access token' : 'Invalid API key')
  }
  return bearer ? { kind: 'bearer', token: value } : { kind: 'api_key', key: value }
}

/**
 * The request's caller. `remembered`: an API key's caller may come from this process's cache
 * (cached-callers.ts), unconfirmed, for a route whose writes and errors confirm it (v4.1).
 */
export async function authenticateRequest(
  ctx: ServiceContext,
  request: FastifyRequest,
  region: string,
  { remembered = false }: { remembered?: boolean } = {},
): Promise<Caller> {
  // Node keeps the first of two: which key a proxy or a log saw would be anyone's guess.
  if (headerCount(request, 'authorization') > 1) {
    throw new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: the Authorization header is given more than once')
  }
  const credential = presentedCredential(request.headers.authorization)
  const cache = remembered ? ctx.callerCache : undefined
  const caller =
    credential.kind === 'bearer'
      ? await authenticateToken(ctx, credential.token, region)
      : cache
        ? await rememberedCaller(ctx, cache, hashApiKey(credential.key), region)
        : await authenticate(ctx, credential.key, region)
  request.caller = caller
  return caller
}

async function rememberedCaller(ctx: ServiceContext, cache: CallerCache, keyHash: string, region: string): Promise<Caller> {
  const recalled = cache.recall(keyHash, region)
  if (recalled) return recalled
  const caller = await authenticateHash(ctx, keyHash, region)
  cache.remember(keyHash, caller, region)
  return caller
}
