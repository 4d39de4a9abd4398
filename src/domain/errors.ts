// FirehouseError and the registry of error codes (SPEC §1); HTTP statuses are decided at the edge.

/** Every error code Firehouse answers with. A code is never changed or reused. */
export const ERROR_CODES = {
  INVALID_API_KEY: 200000,
  FORBIDDEN: 200001,
  TOO_MANY_PARAMETERS: 300000,
  INVALID_ARGUMENT: 300001,
  MODULE_NOT_FOUND: 300002,
  METHOD_NOT_ALLOWED: 300003,
  MISSING_ARGUMENT: 300004,
  MALFORMED_BODY: 300005,
  BODY_TOO_LARGE: 300006,
  UNSUPPORTED_MEDIA_TYPE: 300007,
  RATE_LIMITED: 300008,
  IDEMPOTENCY_KEY_MISMATCH: 300009,
  IDEMPOTENCY_KEY_IN_FLIGHT: 300010,
  INVALID_STATUS: 400011,
  WORKFLOW_NOT_FOUND: 400200,
  UNKNOWN_ASSIGNEE: 400201,
  COMMENT_TOO_LONG: 400202,
  COMMENT_INVALID_CHARACTER: 400203,
  COMMENT_REQUIRED: 400204,
  STATUS_CHANGE_NOT_ALLOWED: 400205,
  VERSION_CONFLICT: 400206,
  INVALID_HAPPENED_AT: 400207,
  WEBHOOK_URL_NOT_ALLOWED: 400300,
  WEBHOOK_NOT_FOUND: 400301,
  INTERNAL: 500000,
  UNAVAILABLE: 503000,
} as const

export type ErrorName = keyof typeof ERROR_CODES
export type ErrorCode = (typeof ERROR_CODES)[ErrorName]

export interface ErrorDetails {
  /** Seconds a client should wait before retrying (300008, 503000). */
  retryAfter?: number
  /** Methods the path accepts (300003). */
  allow?: readonly string[]
}

/** The one error type of Firehouse: a SPEC code, a message that names the precise reason. */
export class FirehouseError extends Error {
  readonly code: ErrorCode
  readonly details: ErrorDetails

  constructor(name: ErrorName, message: string, options: { cause?: unknown; details?: ErrorDetails } = {}) {
    super(wellFormed(message), { cause: options.cause })
    this.name = 'FirehouseError'
    this.code = ERROR_CODES[name]
    this.details = options.details ?? {}
  }
}

/**
 * A message that quotes input cut at a length may end in half of a surrogate pair (or the input
 * held a lone one): dropped here, in the one place every message passes, so that every answer is
 * text strict JSON and XML parsers take.
 */
function wellFormed(message: string): string {
  return message.replace(/\p{Surrogate}/gu, '')
}

export function isFirehouseError(error: unknown): error is FirehouseError {
  return error instanceof FirehouseError
}
