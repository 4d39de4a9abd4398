// The token endpoint's errors (RFC 6749 §5.2): a closed set of `error` values and a description.

/**
 * RFC 6749 §5.2's codes the endpoint answers, and `slow_down` (borrowed from RFC 8628 §3.5) for a
 * client over its rate limit. Tokens have no scopes: any `scope` is invalid_scope (docs/decisions.md).
 */
export const OAUTH_ERRORS = ['invalid_request', 'invalid_client', 'unsupported_grant_type', 'invalid_scope', 'slow_down'] as const

export type OAuthErrorCode = (typeof OAUTH_ERRORS)[number]

export interface OAuthErrorDetails {
  /** Seconds to wait before the next request (slow_down). */
  retryAfter?: number
}

/** A refusal of a token request; its description never quotes a secret. */
export class OAuthError extends Error {
  readonly error: OAuthErrorCode
  readonly details: OAuthErrorDetails

  constructor(error: OAuthErrorCode, description: string, details: OAuthErrorDetails = {}) {
    super(description)
    this.name = 'OAuthError'
    this.error = error
    this.details = details
  }
}

export function isOAuthError(error: unknown): error is OAuthError {
  return error instanceof OAuthError
}
