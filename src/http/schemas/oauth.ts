// TypeBox schemas of POST /oauth2/token (SPEC §10, RFC 6749 §4.4): they feed /openapi.json.

import { Type } from '@sinclair/typebox'
import { OAUTH_ERRORS } from '../../domain/oauth-error.js'
import { DOCUMENTED_BODY } from './documented.js'
import { JSON_ANSWERS, answer, errorAnswers, ref } from './common.js'

export const TokenRequestSchema = Type.Object(
  {
    grant_type: Type.Literal('client_credentials', { description: 'The only grant Firehouse issues tokens for' }),
    client_id: Type.Optional(Type.String({ maxLength: 100, description: 'The app\'s client id (fhc_…), unless sent in HTTP Basic' })),
    client_secret: Type.Optional(Type.String({ maxLength: 200, description: 'The app\'s client secret (fhs_…), unless sent in HTTP Basic' })),
  },
  {
    $id: 'TokenRequest',
    additionalProperties: true,
    description: 'RFC 6749 §4.4.2. Other parameters are ignored but for scope, which is refused (tokens have no scopes); none may be given twice',
  },
)

export const TokenSchema = Type.Object(
  {
    access_token: Type.String({ maxLength: 100, description: 'An opaque bearer token: send it as "Authorization: Bearer <token>"' }),
    token_type: Type.Literal('Bearer'),
    expires_in: Type.Integer({ format: 'int32', minimum: 1, maximum: 3600, description: 'Seconds the token is valid for' }),
  },
  { $id: 'Token', description: 'An access token (RFC 6749 §5.1)' },
)

export const OAuthErrorSchema = Type.Object(
  {
    error: Type.Union(OAUTH_ERRORS.map((code) => Type.Literal(code)), { description: 'RFC 6749 §5.2 (slow_down: RFC 8628 §3.5)' }),
    error_description: Type.String({ maxLength: 300, description: 'The precise reason, in English; never a secret' }),
  },
  { $id: 'OAuthError', description: 'A refused token request (RFC 6749 §5.2)' },
)

export const OAUTH_SCHEMAS = [TokenRequestSchema, TokenSchema, OAuthErrorSchema]

const NO_STORE = {
  'Cache-Control': Type.Literal('no-store', { description: 'RFC 6749 §5.1: the answer is never cached', 'x-required': true }),
  Pragma: Type.Literal('no-cache', { description: 'RFC 6749 §5.1', 'x-required': true }),
}

const RATE_LIMIT = {
  'RateLimit-Limit': Type.Integer({ format: 'int32', minimum: 1, maximum: 20, description: 'The client\'s burst of token requests; absent before the client id names an app' }),
  'RateLimit-Remaining': Type.Integer({ format: 'int32', minimum: 0, maximum: 20, description: 'Token requests the client may still make at once' }),
  'RateLimit-Reset': Type.Integer({ format: 'int32', minimum: 0, maximum: 60, description: 'Seconds until the client\'s bucket is full again' }),
}

const refused = (description: string, headers: Record<string, ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer> | ReturnType<typeof Type.Literal>> = {}) =>
  answer(description, 'application/json', ref(OAuthErrorSchema), { ...NO_STORE, ...RATE_LIMIT, ...headers })

export const ISSUE_TOKEN = {
  operationId: 'issueToken',
  summary: 'Issue a bearer token to a connected app (OAuth2 client credentials)',
  description:
    'RFC 6749 §4.4: the app\'s client id and secret in HTTP Basic (each form-encoded, then base64) or as client_id and client_secret in the body, not both. ' +
    'Checks, in order: a malformed request (400 invalid_request), the client (401 invalid_client), then grant_type (400 invalid_request when missing, ' +
    'unsupported_grant_type when not client_credentials) and scope (400 invalid_scope). The token is valid for expires_in seconds, in this server\'s region, ' +
    'until its app is revoked. Token requests are limited per client id (429 slow_down).',
  tags: ['oauth'],
  // The client authenticates in the request itself, not with a key or token: HTTP Basic (the scheme
  // a generated client uses), or client_id and client_secret in the body, which OpenAPI cannot name.
  security: [{ clientBasic: [] }],
  [DOCUMENTED_BODY]: {
    description: 'The token request, at most 4 KiB',
    content: { 'application/x-www-form-urlencoded': { schema: ref(TokenRequestSchema) } },
  },
  response: {
    200: answer('The token', 'application/json', ref(TokenSchema), { ...NO_STORE, ...RATE_LIMIT }),
    400: refused(
      'invalid_request: a missing client_id, client_secret or grant_type, credentials both in HTTP Basic and the body, a parameter given twice or too long, ' +
        'malformed HTTP Basic, a query string, a body larger than 4 KiB or not application/x-www-form-urlencoded; unsupported_grant_type; invalid_scope',
    ),
    401: refused('invalid_client: an unknown client id, a wrong secret, a revoked app, an app of another region, or an Authorization scheme other than Basic', {
      'WWW-Authenticate': Type.Literal('Basic realm="firehouse"', { description: 'The scheme a client may authenticate with', 'x-required': true }),
    }),
    429: refused('slow_down: too many token requests for this client id; retry after Retry-After seconds', {
      'Retry-After': Type.Integer({ format: 'int32', minimum: 1, maximum: 60, description: 'Seconds to wait before trying again', 'x-required': true }),
    }),
    ...errorAnswers(JSON_ANSWERS, false, {
      500: '500000: internal error; the message gives the request id the server logged it under',
      503: '503000: the service is unavailable (the database is unreachable, or the server is shutting down); retry after Retry-After seconds',
    }),
  },
}
