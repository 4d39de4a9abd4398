// Runs one logical call as attempts: per-attempt timeout, total deadline, abort, and backoff with full jitter.

import type { RetryInfo } from './options.js'
import { CLIENT_ERROR_CODE, WorkflowApiError } from './workflow-api-error.js'

/**
 * How a call is retried.
 *
 * @example
 * const policy: RetryPolicy = { retries: 3, retryBaseMs: 200, retryMaxMs: 10_000, timeoutMs: 30_000, deadlineMs: undefined, random: Math.random }
 */
export interface RetryPolicy {
  retries: number
  retryBaseMs: number
  retryMaxMs: number
  timeoutMs: number
  deadlineMs: number | undefined
  random: () => number
  onRetry?: ((info: RetryInfo) => void) | undefined
}

/**
 * One attempt: it gets the attempt's number (1 for the first) and a signal that aborts on the
 * attempt's timeout, the call's deadline or the caller's abort.
 *
 * @example
 * const attempt: Attempt<Response> = (signal) => fetch(url, { signal })
 */
export type Attempt<T> = (signal: AbortSignal, attempt: number) => Promise<T>

/**
 * Runs `attempt` until it succeeds, fails in a way that is not retryable, runs out of retries, or
 * would run past the deadline; the last WorkflowApiError is thrown. An abort of `signal` stops
 * at once (the in-flight request, or the wait) and rejects with `signal.reason`.
 *
 * @example
 * const answer = await withRetries((signal, n) => send(request, signal, n), policy, options.signal)
 */
export async function withRetries<T>(attempt: Attempt<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
  const deadlineAt = policy.deadlineMs === undefined ? Infinity : Date.now() + policy.deadlineMs
  for (let number = 1; ; number++) {
    signal?.throwIfAborted()
    try {
      return await runAttempt(attempt, number, policy.timeoutMs, deadlineAt, signal)
    } catch (error) {
      if (signal?.aborted || !(error instanceof WorkflowApiError)) throw signal?.aborted ? signal.reason : error
      if (error.kind === 'deadline' || !error.retryable || number > policy.retries) throw error
      const delayMs = backoffDelay(number, policy, error.retryAfterMs)
      // Waiting past the deadline only to fail there: give up now, with what went wrong.
      if (Date.now() + delayMs >= deadlineAt) throw error
      policy.onRetry?.({ attempt: number, delayMs, error })
      await sleep(delayMs, signal)
    }
  }
}

/**
 * The wait after failed attempt `attempt` (1-based): full jitter, random(0, min(cap, base·2^(attempt−1))),
 * and at least the server's `Retry-After`.
 *
 * @example
 * backoffDelay(3, { retryBaseMs: 100, retryMaxMs: 10_000, random: () => 0.5 }, undefined) // 200
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'retryBaseMs' | 'retryMaxMs' | 'random'>,
  retryAfterMs: number | undefined,
): number {
  const ceiling = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** (attempt - 1))
  const jitter = Math.floor(policy.random() * ceiling)
  return Math.max(jitter, retryAfterMs ?? 0)
}

async function runAttempt<T>(attempt: Attempt<T>, number: number, timeoutMs: number, deadlineAt: number, signal?: AbortSignal): Promise<T> {
  const controller = new AbortController()
  const stop = (reason: unknown): void => controller.abort(reason)
  const onAbort = (): void => stop(signal!.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  const timeout = setTimeout(() => stop(clientError('timeout', `Attempt ${number} timed out after ${timeoutMs} ms`, number)), timeoutMs)
  const deadline =
    deadlineAt === Infinity
      ? undefined
      : setTimeout(() => stop(clientError('deadline', `Deadline passed during attempt ${number}`, number)), Math.max(0, deadlineAt - Date.now()))
  try {
    return await attempt(controller.signal, number)
  } catch (error) {
    // fetch rejects with the abort reason, which is our timeout/deadline error or the caller's reason.
    throw controller.signal.aborted ? controller.signal.reason : error
  } finally {
    clearTimeout(timeout)
    clearTimeout(deadline)
    signal?.removeEventListener('abort', onAbort)
  }
}

function clientError(kind: 'timeout' | 'deadline', message: string, attempts: number): WorkflowApiError {
  return new WorkflowApiError({ kind, code: CLIENT_ERROR_CODE, status: 0, message, attempts })
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal!.reason)
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
