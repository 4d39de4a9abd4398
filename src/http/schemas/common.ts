// What the API surfaces' schemas share: named schemas used by $ref, integers as generators need
// them, the answer headers, and the error answers in JSON or XML.

import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox'
import { MAX_CGID } from '../../domain/workflow-input.js'

/**
 * A use of a named schema (one with an `$id`, registered by registerOpenApi): a `$ref` for Fastify
 * and in /openapi.json (`#/components/schemas/<id>`), the schema's own type for TypeScript.
 */
export function ref<T extends TSchema>(schema: T): TUnsafe<Static<T>> {
  if (schema.$id === undefined) throw new Error('ref() takes a schema with an $id')
  return Type.Unsafe<Static<T>>(Type.Ref(schema.$id))
}

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])

/** A CG-ID: up to 2^53−1, so int64 (an int32 would overflow in Java, Go or C# clients). */
export const CgidInteger = (description = 'The CG-ID of a survey record') =>
  Type.Integer({ format: 'int64', minimum: 1, maximum: MAX_CGID, description })

/** A count that grows with the data (entries, cases): int64, as nothing bounds it below 2^31. */
export const CountInteger = (description?: string) =>
  Type.Integer({ format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, ...(description ? { description } : {}) })

/**
 * Text XML 1.0 can carry (SPEC §1, the comment's rule): no NUL or other C0 control but tab, LF and
 * CR, no U+FFFE or U+FFFF. (Lone surrogates are refused too; no JSON generator makes them.)
 */
export const XML_TEXT_PATTERN = '^[^\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]*$'

/** An instant the server writes: ISO 8601 UTC with milliseconds (`toISOString`). */
export const Instant = Type.String({ format: 'date-time', maxLength: 24, description: 'ISO 8601 UTC with milliseconds' })

/** A date or a date-time, as the feed's and the summary's bounds and an import's date_creation take them. */
export const DateOrDateTime = (description: string) =>
  Type.Union(
    [
      Type.String({ format: 'date-time', maxLength: 35, pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:[0-5]\\d(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$' }),
      Type.String({ format: 'date', maxLength: 10, description: 'Midnight UTC of that day' }),
    ],
    { description: `${description}: an ISO 8601 date-time with Z or an offset (2026-11-27T10:00:00Z), or a date (2026-11-27)` },
  )

// An error code of SPEC §1: six digits, 2xxxxx authentication, 3xxxxx general, 4xxxxx modules, 5xxxxx server.
const ErrorCode = Type.Integer({ format: 'int32', minimum: 100000, maximum: 999999, description: 'The error code (SPEC §1, docs/errors.md)' })

/** The error in XML: its root element is `<Error>`. The JSON envelope holds it under `Error`. */
export const ErrorDetailSchema = Type.Object(
  { Message: Type.String({ description: 'The precise reason, in English; wording may be refined' }), Code: ErrorCode },
  { $id: 'ErrorDetail', xml: { name: 'Error' }, description: 'An error: the XML answer is this element, <Error><Message>…</Message><Code>…</Code></Error>' },
)

/** The error envelope of every JSON answer that is not a success. */
export const ErrorEnvelopeSchema = Type.Object(
  { Error: ref(ErrorDetailSchema) },
  { $id: 'Error', description: 'The error envelope: {"Error":{"Message":…,"Code":…}}' },
)

/** Response headers by name (as /openapi.json spells them); `required` ones are on every such answer. */
type Headers = Record<string, TSchema>

const REQUEST_ID = {
  'X-Request-Id': Type.String({ format: 'uuid', maxLength: 36, description: 'This request\'s id, as the server\'s log has it', 'x-required': true }),
}

const RATE_LIMIT = {
  'RateLimit-Limit': Type.Integer({
    format: 'int32',
    minimum: 1,
    maximum: 2_000_000,
    description: 'The burst of the API key: the requests it may make at once (twice its rate per second); absent when rate limiting is off',
  }),
  'RateLimit-Remaining': Type.Integer({ format: 'int32', minimum: 0, maximum: 2_000_000, description: 'Requests the key may still make at once' }),
  'RateLimit-Reset': Type.Integer({ format: 'int32', minimum: 0, maximum: 60, description: 'Seconds until the key\'s bucket is full again' }),
}

const retryAfter = (required: boolean) => ({
  'Retry-After': Type.Integer({ format: 'int32', minimum: 1, maximum: 60, description: 'Seconds to wait before trying again', 'x-required': required }),
})

/** The media types of a surface's answers, and the schemas of its bodies in each. */
export interface AnswerFormat {
  mediaType: 'application/json' | 'application/xml'
  error: TSchema
}

export const JSON_ANSWERS: AnswerFormat = { mediaType: 'application/json', error: ref(ErrorEnvelopeSchema) }
export const XML_ANSWERS: AnswerFormat = { mediaType: 'application/xml', error: ref(ErrorDetailSchema) }

/** A response of the route schema: its description, headers and body (by media type) for the document, the body for serialisation. */
export function answer(description: string, mediaType: string, schema: TSchema, headers: Headers = {}) {
  return { description, headers: { ...REQUEST_ID, ...headers }, content: { [mediaType]: { schema } } }
}

/** What each error status means, for the operations that can answer it. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 503

const ERROR_HEADERS: Record<ErrorStatus, (limited: boolean) => Headers> = {
  400: (limited) => (limited ? RATE_LIMIT : {}),
  // The key is checked before the rate limit: a refused key has no bucket to report.
  401: () => ({}),
  403: (limited) => (limited ? RATE_LIMIT : {}),
  404: (limited) => (limited ? RATE_LIMIT : {}),
  409: (limited) => (limited ? RATE_LIMIT : {}),
  413: (limited) => (limited ? RATE_LIMIT : {}),
  415: (limited) => (limited ? RATE_LIMIT : {}),
  422: (limited) => (limited ? RATE_LIMIT : {}),
  429: () => ({ ...RATE_LIMIT, ...retryAfter(true) }),
  500: () => ({}),
  503: () => retryAfter(false),
}

/**
 * The error answers of an operation, each with its description (the codes it carries), in the
 * surface's format. `rateLimited`: the operation takes an API key, so its answers after the key
 * check carry the RateLimit-* headers.
 */
export function errorAnswers(format: AnswerFormat, rateLimited: boolean, descriptions: Partial<Record<ErrorStatus, string>>) {
  const answers: Record<string, ReturnType<typeof answer>> = {}
  for (const [status, description] of Object.entries(descriptions)) {
    const headers = ERROR_HEADERS[Number(status) as ErrorStatus](rateLimited)
    answers[status] = answer(description, format.mediaType, format.error, headers)
  }
  return answers
}

/** An answer without a body (204) of an operation that takes an API key. */
export function limitedNoContent(description: string) {
  return { type: 'null' as const, description, headers: { ...REQUEST_ID, ...RATE_LIMIT } }
}

/** A success answer of an operation that takes an API key. */
export function limitedAnswer(description: string, mediaType: string, schema: TSchema) {
  return answer(description, mediaType, schema, RATE_LIMIT)
}

/** The descriptions of the error answers every operation with an API key may give. */
export const KEYED_ERRORS = {
  401: '200000: the API key or bearer token is missing, malformed ("Authorization: api_key <KEY>" or "Authorization: Bearer <TOKEN>"), unknown, revoked, expired (a token) or of another region',
  429: '300008: the key\'s rate limit is exceeded; retry after Retry-After seconds',
  500: '500000: internal error; the message gives the request id the server logged it under',
  503: '503000: the service is unavailable (the database is unreachable, or the server is shutting down); retry after Retry-After seconds',
} as const satisfies Partial<Record<ErrorStatus, string>>
