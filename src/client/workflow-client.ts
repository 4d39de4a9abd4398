// WorkflowClient: the v4.1 workflow call and the native case reads, over fetch, with retries.

import { CloseLoopApi } from './close-loop.js'
import { caseListPath, CaseStream, followCursor, toCasePage } from './case-feed.js'
import { resolveOptions, type ResolvedOptions, type WireFormat, type WorkflowClientOptions } from './options.js'
import { TokenSource } from './access-token.js'
import { answerError, parseEnvelope, readJsonAnswer, readWorkflowAnswer, type WireAnswer } from './parse-answer.js'
import { withRetries } from './retry.js'
import { send, type WireRequest } from './transport.js'
import type { CaseJson, CasePage, CaseQuery, ReadOptions, UpdateWorkflowInput, UpdateWorkflowResult } from './types.js'
import { WebhooksApi } from './webhooks.js'

const ACCEPT: Record<WireFormat, string> = { json: 'application/json', xml: 'application/xml' }

/**
 * A client of a Firehouse server (or of CustomerGauge itself, for `updateWorkflow`).
 * Every method retries what may succeed on a second try (see WorkflowApiError.retryable) and
 * rejects with a WorkflowApiError, or with the signal's reason when aborted.
 *
 * @example
 * import { WorkflowClient } from 'firehouse/client'
 * const cg = new WorkflowClient({ apiKey: process.env.CG_API_KEY!, baseUrl: 'http://127.0.0.1:8080' })
 * // or, as a connected app (SPEC §10), with bearer tokens the client fetches and renews itself:
 * // new WorkflowClient({ baseUrl: 'http://127.0.0.1:8080', clientId: 'fhc_…', clientSecret: process.env.FH_CLIENT_SECRET! })
 * await cg.updateWorkflow({ numberCustomergauge: 12, status: 'CLOSE', comment: 'Solved the issue' })
 */
export class WorkflowClient {
  /** The resolved server address, without a trailing slash, e.g. `https://api.eu.customergauge.com`. */
  readonly baseUrl: string
  /** The v4.1 answer format. */
  readonly format: WireFormat
  /** The tenant's webhook endpoints and their delivery logs (`cg.webhooks.create(…)`, …). */
  readonly webhooks: WebhooksApi
  /** CustomerGauge's v7 Close the Loop calls (`cg.closeLoop.put(…)`, `cg.closeLoop.sync(…)`). */
  readonly closeLoop: CloseLoopApi
  readonly #options: ResolvedOptions
  /** The app's bearer tokens, when the client was given a client id and secret. */
  readonly #tokens: TokenSource | undefined

  /** Throws a TypeError naming a bad option (e.g. both `apiKey` and `clientId`). */
  constructor(options: WorkflowClientOptions) {
    this.#options = resolveOptions(options)
    this.baseUrl = this.#options.baseUrl
    this.format = this.#options.format
    const { credentials, fetch, now } = this.#options
    this.#tokens = credentials.kind === 'app' ? new TokenSource({ baseUrl: this.baseUrl, ...credentials, fetch, now }) : undefined
    this.webhooks = new WebhooksApi(({ method, path, body }, retry) => {
      const request: WireRequest = { method, url: `${this.baseUrl}/api/v1/webhooks${path}`, headers: this.#headers('application/json') }
      if (body !== undefined) Object.assign(request, { body: JSON.stringify(body), headers: { ...request.headers, 'content-type': 'application/json' } })
      const options = retry ? this.#options : { ...this.#options, retries: 0 }
      const read = (answer: WireAnswer) => (answer.status === 204 && answer.text === '' ? undefined : readJsonAnswer(answer))
      return withRetries(async (signal, attempt) => read(await this.#send(request, signal, attempt)), options)
    })
    // Every v7 call may be retried: the PUT carries one Idempotency-Key on all its attempts.
    this.closeLoop = new CloseLoopApi(({ method, path, body, headers }, signal) => {
      const request: WireRequest = { method, url: `${this.baseUrl}/v7/rest${path}`, headers: { ...this.#headers('application/json'), ...headers } }
      if (body !== undefined) Object.assign(request, { body: JSON.stringify(body), headers: { ...request.headers, 'content-type': 'application/json' } })
      return this.#call(request, signal, readJsonAnswer)
    })
  }

  /**
   * POST /v4.1/workflow.json|.xml: creates or updates the record's case. One Idempotency-Key
   * (the given one, else a random UUID) is sent on every attempt, so a retry never applies twice.
   * With `ifMatch` (a case's `version`), a case changed since rejects with code 400206 (HTTP 409).
   *
   * @example
   * const { numberCustomergauge } = await cg.updateWorkflow({
   *   numberCustomergauge: 12, status: 'CLOSE', comment: 'Solved the issue', assignedTo: 'des.patch@directness.net',
   * })
   * // Only if nobody changed the case since it was read:
   * const { version } = await cg.getCase(12)
   * await cg.updateWorkflow({ numberCustomergauge: 12, status: 'CLOSE', ifMatch: version })
   */
  async updateWorkflow(input: UpdateWorkflowInput): Promise<UpdateWorkflowResult> {
    const request: WireRequest = {
      method: 'POST',
      url: `${this.baseUrl}/v4.1/workflow.${this.format}`,
      headers: {
        ...this.#headers(ACCEPT[this.format]),
        'content-type': 'application/x-www-form-urlencoded',
        'idempotency-key': input.idempotencyKey ?? globalThis.crypto.randomUUID(),
        ...ifMatchHeader(input.ifMatch),
      },
      body: workflowForm(input),
    }
    return this.#call(request, input.signal, (answer) => readWorkflowAnswer(answer, this.format))
  }

  /**
   * GET /api/v1/cases/{cgid}: the record's case with its history. A CG-ID the tenant does not
   * have rejects with code 400200 (HTTP 404); a record without a case yet has `status: null`.
   *
   * @example
   * const item = await cg.getCase(12)
   * console.log(item.status, item.history.length)
   */
  async getCase(cgid: number, options: ReadOptions = {}): Promise<CaseJson> {
    const request = this.#get(`/api/v1/cases/${encodeURIComponent(String(cgid))}`)
    return this.#call(request, options.signal, (answer) => readJsonAnswer(answer) as CaseJson)
  }

  /**
   * One page of the case feed (GET /api/v1/cases), from `query.cursor` or the start.
   *
   * @example
   * const page = await cg.casePage({ perPage: 100 })
   * console.log(page.data.length, page.nextCursor, page.endOfStream)
   */
  async casePage(query: CaseQuery = {}): Promise<CasePage> {
    const request = this.#get(caseListPath(query, query.cursor))
    return this.#call(request, query.signal, (answer) => toCasePage(readJsonAnswer(answer)) ?? failWith(answerError(answer, undefined)))
  }

  /**
   * The feed page by page, following `next_cursor` until `end_of_stream`.
   *
   * @example
   * for await (const page of cg.casePages({ status: 'CLOSED' })) {
   *   await store(page.data)
   *   await saveCursor(page.nextCursor)
   * }
   */
  casePages(query: CaseQuery = {}): AsyncGenerator<CasePage> {
    return followCursor((cursor) => this.casePage({ ...query, cursor }), query.cursor)
  }

  /**
   * The feed case by case, until caught up; `cursor` of the result is where to resume later.
   *
   * @example
   * const feed = cg.cases({ status: 'OPEN' })
   * for await (const item of feed) console.log(item.number_customergauge)
   * await saveCursor(feed.cursor)
   */
  cases(query: CaseQuery = {}): CaseStream {
    return new CaseStream((cursor) => this.casePage({ ...query, cursor }), query.cursor)
  }

  /**
   * `cases()` from a cursor stored earlier (with the same filters it was issued for).
   *
   * @example
   * const feed = cg.resumeFrom(await loadCursor())
   * for await (const item of feed) await upsert(item)
   * await saveCursor(feed.cursor)
   */
  resumeFrom(cursor: string, query: Omit<CaseQuery, 'cursor'> = {}): CaseStream {
    if (typeof cursor !== 'string' || cursor === '') throw new TypeError('resumeFrom: cursor must be a non-empty string')
    return this.cases({ ...query, cursor })
  }

  #call<T>(request: WireRequest, signal: AbortSignal | undefined, read: (answer: WireAnswer) => T): Promise<T> {
    return withRetries(async (attemptSignal, attempt) => read(await this.#send(request, attemptSignal, attempt)), this.#options, signal)
  }

  /**
   * One attempt with the credentials in its Authorization header. A bearer token the server
   * refuses (200000: expired by the server's clock, or its app revoked) is dropped and the
   * request sent once more with a fresh one; a second refusal is the caller's to see.
   */
  async #send(request: WireRequest, signal: AbortSignal, attempt: number): Promise<WireAnswer> {
    const { credentials, fetch } = this.#options
    if (credentials.kind === 'apiKey') return send(fetch, withAuthorization(request, `api_key ${credentials.apiKey}`), signal, attempt)
    const tokens = this.#tokens!
    const token = await tokens.token(signal, attempt)
    const answer = await send(fetch, withAuthorization(request, `Bearer ${token}`), signal, attempt)
    if (!refusesCredentials(answer)) return answer
    tokens.forget(token)
    return send(fetch, withAuthorization(request, `Bearer ${await tokens.token(signal, attempt)}`), signal, attempt)
  }

  #get(path: string): WireRequest {
    return { method: 'GET', url: `${this.baseUrl}${path}`, headers: this.#headers('application/json') }
  }

  #headers(accept: string): Record<string, string> {
    return { accept }
  }
}

function withAuthorization(request: WireRequest, authorization: string): WireRequest {
  return { ...request, headers: { ...request.headers, authorization } }
}

/** A 401 whose code is 200000, in either v4.1 format or the native API's JSON. */
function refusesCredentials(answer: WireAnswer): boolean {
  if (answer.status !== 401) return false
  const envelope = parseEnvelope(answer.text, answer.text.trimStart().startsWith('<') ? 'xml' : 'json')
  return envelope?.kind === 'error' && envelope.code === 200000
}

/** The v4.1 form body, fields in the documented order, absent ones left out. */
function workflowForm(input: UpdateWorkflowInput): string {
  if (typeof input !== 'object' || input === null) throw new TypeError('updateWorkflow: input must be an object')
  const { numberCustomergauge: cgid } = input
  if (typeof cgid !== 'number' && typeof cgid !== 'string') throw new TypeError('updateWorkflow: numberCustomergauge must be a number or a string')
  const form = new URLSearchParams({ number_customergauge: String(cgid) })
  const optional: [string, unknown][] = [
    ['status', input.status],
    ['comment', input.comment],
    ['assigned_to', input.assignedTo],
    ['happened_at', input.happenedAt instanceof Date ? dateText(input.happenedAt) : input.happenedAt],
  ]
  for (const [name, value] of optional) {
    if (value === undefined || value === null) continue
    if (typeof value !== 'string') throw new TypeError(`updateWorkflow: ${name} must be a string`)
    form.set(name, value)
  }
  return form.toString()
}

/** `If-Match: "<version>"` when the call is based on a version; a version is a non-negative integer. */
function ifMatchHeader(version: unknown): Record<string, string> {
  if (version === undefined || version === null) return {}
  if (!Number.isSafeInteger(version) || (version as number) < 0) throw new TypeError('updateWorkflow: ifMatch must be a non-negative integer (a case\'s version)')
  return { 'if-match': `"${version}"` }
}

/** A Date as the ISO 8601 UTC string the server reads; an Invalid Date is the caller's mistake. */
function dateText(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new TypeError('updateWorkflow: happenedAt is an invalid Date')
  return date.toISOString()
}

function failWith(error: Error): never {
  throw error
}
