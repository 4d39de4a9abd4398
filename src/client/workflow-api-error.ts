// WorkflowApiError: every failure of a WorkflowClient call, with the SPEC code, HTTP status and attempts.

/**
 * The `code` of a failure that carries no SPEC code: the server could not be reached, an attempt
 * timed out, the deadline passed, or the answer was not a Workflow API envelope. SPEC codes are
 * six digits (200000 … 503000), so 0 can never be confused with one; `kind` tells these apart.
 *
 * @example
 * if (error instanceof WorkflowApiError && error.code === CLIENT_ERROR_CODE) console.log(error.kind)
 */
export const CLIENT_ERROR_CODE = 0

/**
 * What went wrong:
 * - `api`: the server answered with an error envelope; `code` is its `Error.Code`.
 * - `http`: the server answered, but not with an envelope (e.g. a proxy's HTML 502); `code` is 0.
 * - `network`: no answer (connection refused, reset, DNS); `code` and `status` are 0.
 * - `timeout`: one attempt took longer than `timeoutMs`; `code` and `status` are 0.
 * - `deadline`: the call's total `deadlineMs` passed while an attempt was running; `code` and `status` are 0.
 *
 * @example
 * const kind: WorkflowErrorKind = 'network'
 */
export type WorkflowErrorKind = 'api' | 'http' | 'network' | 'timeout' | 'deadline'

/**
 * How a WorkflowApiError is built (by the client; integrators only read errors).
 *
 * @example
 * const init: WorkflowApiErrorInit = { kind: 'api', code: 400200, message: 'Workflow not found', status: 400, attempts: 1 }
 */
export interface WorkflowApiErrorInit {
  kind: WorkflowErrorKind
  code: number
  message: string
  status: number
  attempts: number
  /** From a `Retry-After` header, in milliseconds. */
  retryAfterMs?: number
  cause?: unknown
}

/** The code the server answers while an `Idempotency-Key` of the same call is still being processed. */
const IDEMPOTENCY_KEY_IN_FLIGHT = 300010

/**
 * The error every WorkflowClient method rejects with (except on abort, which rejects with the
 * signal's reason, as `fetch` does).
 *
 * @example
 * try {
 *   await client.updateWorkflow({ numberCustomergauge: 12, status: 'CLOSE' })
 * } catch (error) {
 *   if (error instanceof WorkflowApiError && error.code === 400200) console.log('no such record')
 *   else throw error
 * }
 */
export class WorkflowApiError extends Error {
  override readonly name = 'WorkflowApiError'
  /** The SPEC code (`Error.Code` of the answer), or CLIENT_ERROR_CODE (0) when there is none. */
  readonly code: number
  /** The HTTP status of the last answer; 0 when there was none. */
  readonly status: number
  readonly kind: WorkflowErrorKind
  /** How many HTTP requests the call made, this failed one included. */
  readonly attempts: number
  /** The wait the server asked for (`Retry-After`), in milliseconds. */
  readonly retryAfterMs: number | undefined

  constructor(init: WorkflowApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    this.kind = init.kind
    this.code = init.code
    this.status = init.status
    this.attempts = init.attempts
    this.retryAfterMs = init.retryAfterMs
  }

  /**
   * Whether the same call may succeed if sent again (with the same Idempotency-Key): network
   * failures, timeouts, 429, 5xx, and 300010 (the first request with that key is still running).
   * Every other 4xx fails the same way again. The client retries these itself, `retries` times.
   *
   * @example
   * if (error instanceof WorkflowApiError && error.retryable) queue.later(call)
   */
  get retryable(): boolean {
    if (this.kind === 'network' || this.kind === 'timeout' || this.kind === 'deadline') return true
    return this.status === 429 || this.status >= 500 || this.code === IDEMPOTENCY_KEY_IN_FLIGHT
  }
}
