// Bearer tokens of a connected app (SPEC §10): fetched from POST /oauth2/token with HTTP Basic,
// kept, and fetched again shortly before they expire or when the server refuses one.

import type { FetchFunction } from './options.js'
import { answerError, parseEnvelope, retryAfterMs, type WireAnswer } from './parse-answer.js'
import { send } from './transport.js'
import { CLIENT_ERROR_CODE, WorkflowApiError } from './workflow-api-error.js'

/** A token is renewed once less than this is left of it, so that none expires on its way to the server. */
export const REFRESH_MARGIN_MS = 60_000
/** The code of an invalid key or token (SPEC §1): a refused client reads the same. */
const INVALID_CREDENTIALS = 200000

/**
 * What a client needs to ask for tokens.
 *
 * @example
 * const source: TokenSourceInit = { baseUrl: 'http://127.0.0.1:8080', clientId: 'fhc_…', clientSecret: 'fhs_…', fetch, now: Date.now }
 */
export interface TokenSourceInit {
  baseUrl: string
  clientId: string
  clientSecret: string
  fetch: FetchFunction
  now: () => number
}

/**
 * The app's current token, fetched when there is none or it is about to expire; concurrent calls
 * share one request.
 *
 * @example
 * const tokens = new TokenSource({ baseUrl, clientId, clientSecret, fetch, now: Date.now })
 * const token = await tokens.token(signal, 1)
 */
export class TokenSource {
  readonly #init: TokenSourceInit
  #current: { token: string; expiresAt: number } | undefined
  #pending: Promise<string> | undefined

  constructor(init: TokenSourceInit) {
    this.#init = init
  }

  /** A token valid for at least REFRESH_MARGIN_MS more (as far as the client's clock knows). */
  token(signal: AbortSignal, attempt: number): Promise<string> {
    const current = this.#current
    if (current && this.#init.now() < current.expiresAt - REFRESH_MARGIN_MS) return Promise.resolve(current.token)
    this.#pending ??= this.#fetch(signal, attempt).finally(() => (this.#pending = undefined))
    return this.#pending
  }

  /** Drops `token` (the server refused it: its app's clock, or a revoke); the next call fetches another. */
  forget(token: string): void {
    if (this.#current?.token === token) this.#current = undefined
  }

  async #fetch(signal: AbortSignal, attempt: number): Promise<string> {
    const { baseUrl, clientId, clientSecret, fetch, now } = this.#init
    const asked = now()
    const answer = await send(
      fetch,
      {
        method: 'POST',
        url: `${baseUrl}/oauth2/token`,
        // RFC 6749 §2.3.1: each part form-encoded, then base64 of id:secret.
        headers: { authorization: `Basic ${btoa(`${formEncode(clientId)}:${formEncode(clientSecret)}`)}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: 'grant_type=client_credentials',
      },
      signal,
      attempt,
    )
    const token = readToken(answer)
    // Counted from when it was asked for: the server's hour began no earlier.
    this.#current = { token: token.accessToken, expiresAt: asked + token.expiresIn * 1000 }
    return token.accessToken
  }
}

function formEncode(text: string): string {
  return new URLSearchParams([['', text]]).toString().slice(1)
}

/** The token of a 200 answer, or the WorkflowApiError of a refusal (RFC 6749 §5.2) or of any other answer. */
function readToken(answer: WireAnswer): { accessToken: string; expiresIn: number } {
  const body = parseJson(answer.text)
  if (answer.status === 200 && typeof body?.access_token === 'string' && Number.isFinite(body.expires_in)) {
    return { accessToken: body.access_token, expiresIn: body.expires_in as number }
  }
  if (typeof body?.error !== 'string') throw answerError(answer, parseEnvelope(answer.text, 'json'))
  const description = typeof body.error_description === 'string' ? `: ${body.error_description}` : ''
  const refusedClient = body.error === 'invalid_client'
  return failWith(
    new WorkflowApiError({
      kind: refusedClient ? 'api' : 'http',
      code: refusedClient ? INVALID_CREDENTIALS : CLIENT_ERROR_CODE,
      status: answer.status,
      message: `Token request refused (${body.error})${description}`,
      attempts: answer.attempts,
      retryAfterMs: retryAfterMs(answer.headers.get('retry-after')),
    }),
  )
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
  } catch {
    return undefined
  }
}

function failWith(error: Error): never {
  throw error
}
