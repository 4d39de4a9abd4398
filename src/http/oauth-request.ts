// A token request (RFC 6749 §4.4) as sent: the client's credentials from HTTP Basic or the form body,
// and the form's parameters, refused as invalid_request when malformed (docs/errors.md, the token endpoint).

import type { FastifyRequest } from 'fastify'
import { isFirehouseError } from '../domain/errors.js'
import { OAuthError } from '../domain/oauth-error.js'
import { decodeComponent, parseFormUrlencoded } from './body/form-urlencoded.js'
import { decodeUtf8Strict } from './body/utf8.js'
import { headerCount } from './common-checks.js'

/** Bounds on what the endpoint reads: longer values belong to no client and no grant. */
const MAX_LENGTH: Record<string, number> = { client_id: 100, client_secret: 200, grant_type: 100, scope: 1000 }
const MAX_AUTHORIZATION_LENGTH = 1024
const BASIC = /^basic[ \t]+([A-Za-z0-9+/]+={0,2})$/i

export interface ReadTokenRequest {
  clientId: string
  clientSecret: string
  grantType: string | undefined
  scope: string | undefined
}

export function readTokenRequest(request: FastifyRequest): ReadTokenRequest {
  if (request.url.includes('?')) throw invalid('parameters go in the form body, not the query string')
  const params = formParameters(request.body)
  const basic = basicCredentials(request)
  if (basic && params.client_secret !== undefined) throw invalid('the client credentials are given both in HTTP Basic and in the body; use one')
  if (basic && params.client_id !== undefined && params.client_id !== basic.clientId) {
    throw invalid('client_id in the body differs from the one in HTTP Basic')
  }
  const clientId = basic?.clientId ?? params.client_id
  const clientSecret = basic?.clientSecret ?? params.client_secret
  if (clientId === undefined) throw invalid('missing client_id (in the body or in HTTP Basic)')
  if (clientSecret === undefined) throw invalid('missing client_secret (in the body or in HTTP Basic)')
  for (const [name, value] of [['client_id', clientId], ['client_secret', clientSecret]] as const) checkLength(name, value)
  return { clientId, clientSecret, grantType: params.grant_type, scope: params.scope }
}

/** The form's parameters; one given twice is refused (RFC 6749 §3.2), an empty one counts as absent. */
function formParameters(body: unknown): Record<string, string | undefined> {
  const params: Record<string, string | undefined> = {}
  if (!Buffer.isBuffer(body) || body.length === 0) return params
  const seen = new Set<string>()
  for (const { name, value } of fromForm(() => parseFormUrlencoded(body, 'body'))) {
    if (seen.has(name)) throw invalid(`parameter ${JSON.stringify(name.slice(0, 40))} is given more than once`)
    seen.add(name)
    // The form parser makes text values only.
    if (!Object.hasOwn(MAX_LENGTH, name) || typeof value !== 'string' || value === '') continue
    checkLength(name, value)
    params[name] = value
  }
  return params
}

/**
 * The client id and secret of `Authorization: Basic`, each form-decoded (RFC 6749 §2.3.1) after
 * base64; undefined without the header. Another scheme is no client authentication we know:
 * invalid_client (RFC 6749 §5.2).
 */
function basicCredentials(request: FastifyRequest): { clientId: string; clientSecret: string } | undefined {
  const header = request.headers.authorization
  if (header === undefined) return undefined
  if (headerCount(request, 'authorization') > 1) throw invalid('the Authorization header is given more than once')
  if (header.length > MAX_AUTHORIZATION_LENGTH) throw invalid('the Authorization header is too long')
  const trimmed = header.trim()
  if (!/^basic(?:[ \t]|$)/i.test(trimmed)) {
    throw new OAuthError('invalid_client', 'Client authentication failed: use HTTP Basic or client_id and client_secret in the body')
  }
  const encoded = BASIC.exec(trimmed)?.[1]
  const decoded = encoded === undefined ? undefined : fromForm(() => decodeUtf8Strict(Buffer.from(encoded, 'base64'), 'the Authorization header'))
  const colon = decoded?.indexOf(':') ?? -1
  if (decoded === undefined || colon === -1) throw invalid('malformed HTTP Basic credentials: send base64 of client_id:client_secret')
  // Split first: a form-encoded ':' (%3A) belongs to the id or the secret.
  const clientId = fromForm(() => decodeComponent(Buffer.from(decoded.slice(0, colon), 'utf8'), 'client id'))
  const clientSecret = fromForm(() => decodeComponent(Buffer.from(decoded.slice(colon + 1), 'utf8'), 'client secret'))
  if (clientId === '' || clientSecret === '') throw invalid('malformed HTTP Basic credentials: the client id or secret is empty')
  return { clientId, clientSecret }
}

function checkLength(name: string, value: string): void {
  if (value.length > (MAX_LENGTH[name] ?? 0)) throw invalid(`${name} is longer than ${MAX_LENGTH[name]} characters`)
}

/** Runs a form decoder, its malformed-input errors (bad percent-encoding or UTF-8, too many fields) as invalid_request. */
function fromForm<T>(decode: () => T): T {
  try {
    return decode()
  } catch (error) {
    if (isFirehouseError(error)) throw invalid(error.message.replace(/^Malformed request: /, ''))
    throw error
  }
}

function invalid(reason: string): OAuthError {
  return new OAuthError('invalid_request', `Invalid request: ${reason}`)
}
