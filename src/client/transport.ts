// One HTTP attempt: fetch, read the whole answer, and turn a failure to get one into a `network` error.

import type { FetchFunction } from './options.js'
import type { WireAnswer } from './parse-answer.js'
import { CLIENT_ERROR_CODE, WorkflowApiError } from './workflow-api-error.js'

/**
 * A request as the client sends it.
 *
 * @example
 * const request: WireRequest = { method: 'GET', url: 'http://127.0.0.1:8080/api/v1/cases/12', headers: { authorization: 'api_key fh_…' } }
 */
export interface WireRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  url: string
  headers: Record<string, string>
  body?: string
}

/**
 * Sends one attempt and reads the answer to its end. A failure without an answer becomes a
 * WorkflowApiError of kind `network`; an abort rethrows the signal's reason untouched.
 *
 * @example
 * const answer = await send(globalThis.fetch, request, AbortSignal.timeout(5_000), 1)
 */
export async function send(fetch: FetchFunction, request: WireRequest, signal: AbortSignal, attempt: number): Promise<WireAnswer> {
  try {
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal })
    return { status: response.status, headers: response.headers, text: await response.text(), attempts: attempt }
  } catch (error) {
    if (signal.aborted) throw signal.reason
    throw new WorkflowApiError({
      kind: 'network',
      code: CLIENT_ERROR_CODE,
      status: 0,
      message: `Cannot reach ${new URL(request.url).origin}: ${describeNetworkError(error)}`,
      attempts: attempt,
      cause: error,
    })
  }
}

// undici's fetch throws TypeError('fetch failed') with the socket's error as cause: name that one.
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause
  if (typeof cause?.code === 'string') return cause.code
  if (typeof cause?.message === 'string') return cause.message
  return error instanceof Error ? error.message : String(error)
}
