// The v4.1 call's direct lane (issue 17): POST /v4.1/workflow[.json|.xml] answered from Node's
// HTTP server itself, without Fastify's router, hooks, Request and Reply.
//
// Under load the request thread is the bottleneck, and Fastify's way around a call (its router,
// its hooks, its body parser's stream, a Request and a Reply per call) was ~10 % of the process's
// CPU per call (side by side: 0.903 of it without; docs/decisions.md, "The v4.1 lane"). The lane takes a request only when its line
// and headers alone show that every check Fastify runs before the route's handler passes (one
// Host, the path, the method, one Content-Type of a media type the lane reads, a Content-Length
// within the limit) and its API key's caller is remembered by this process. Everything else (a
// key's first call, a bearer token, a query string, multipart, a chunked body, a closing server)
// goes to Fastify untouched, before a byte of its body is read. From there the lane runs the
// route's own steps with the same functions in the same order (rate limit, fields, Idempotency-Key,
// If-Match, the write, a remembered key confirmed before any error), and answers with the same
// status, headers, body, access line and metrics (test/http/workflow-lane.test.ts compares them).

import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import type { FastifyBaseLogger } from 'fastify'
import { parseWorkflowInput } from '../domain/workflow-input.js'
import { hashApiKey, type Caller } from '../service/api-keys.js'
import type { ServiceContext } from '../service/context.js'
import { unavailableOr } from '../service/transaction.js'
import { updateWorkflow } from '../service/update-workflow.js'
import { lazyRequestLogger, logAnswer, requestInLog } from './access-log.js'
import { presentedCredential } from './auth.js'
import { bodyFields } from './body/read-fields.js'
import { asFirehouseError, errorAnswer, loggedError } from './errors.js'
import { CONTENT_TYPES, renderEnvelope, type Format } from './formats.js'
import type { AnswerRecorder } from './metrics.js'
import type { RateLimiter } from './rate-limit.js'
import { keyRefusalOr, WORKFLOW_BODY_LIMIT } from './routes/workflow-v41.js'
import { readIdempotencyKey, readIfMatch } from './write-headers.js'

/** The paths the lane serves, as sent (no query string), and the format each answers in. */
const LANE_PATHS: ReadonlyMap<string, Format> = new Map([
  ['/v4.1/workflow', 'json'],
  ['/v4.1/workflow.json', 'json'],
  ['/v4.1/workflow.xml', 'xml'],
])

/** The Content-Types it reads (compared in lower case); any other, multipart included, goes to Fastify. */
const LANE_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=utf-8',
  'application/json',
  'application/json; charset=utf-8',
])

/** A Content-Length of 1 to 99,999 bytes as digits alone; checked against the limit too. */
const CONTENT_LENGTH = /^[1-9][0-9]{0,4}$/

/** The headers that must be sent exactly once for the lane to take a request. */
const ONCE_EACH = ['host', 'content-type', 'content-length', 'authorization'] as const

/** What answering a request needs: the server's parts, made after Node's server is. */
export interface LaneDeps {
  ctx: ServiceContext
  region: string
  rateLimiter: RateLimiter
  recordAnswer: AnswerRecorder
  log: FastifyBaseLogger
  /** True once the server is closing: Fastify then answers every request 503000. */
  isClosing: () => boolean
}

export interface WorkflowLane {
  /** Answers the request and returns true, or returns false having read nothing of it. */
  take(request: IncomingMessage, response: ServerResponse): boolean
  /** Starts taking requests. Until then, and if never called, every request goes to Fastify. */
  open(deps: LaneDeps): void
}

export function createWorkflowLane(): WorkflowLane {
  let deps: LaneDeps | undefined
  return {
    take(request, response) {
      const serving = deps
      if (serving === undefined || serving.isClosing()) return false
      const format = laneFormat(request)
      if (format === undefined) return false
      const key = laneApiKey(request.headers.authorization)
      if (key === undefined) return false
      const caller = serving.ctx.callerCache?.recall(hashApiKey(key), serving.region)
      if (caller === undefined) return false
      // Every failure of the call is answered inside (errorAnswer); this only keeps one of the
      // answer's own writing from becoming an unhandled rejection, which would stop the process.
      answer(serving, request, response, format, caller).catch((error: unknown) => {
        serving.log.error({ err: error }, 'internal error')
        response.destroy()
      })
      return true
    },
    open(given) {
      deps = given
    },
  }
}

/** The format of a request the lane may take, judged by its line and headers alone; undefined for Fastify's. */
export function laneFormat(request: Pick<IncomingMessage, 'method' | 'url' | 'headers' | 'rawHeaders'>): Format | undefined {
  if (request.method !== 'POST') return undefined
  const format = LANE_PATHS.get(request.url ?? '')
  if (format === undefined) return undefined
  const { headers } = request
  const contentType = headers['content-type']
  if (contentType === undefined || !LANE_MEDIA_TYPES.has(contentType.toLowerCase())) return undefined
  const length = headers['content-length']
  if (length === undefined || !CONTENT_LENGTH.test(length) || Number(length) > WORKFLOW_BODY_LIMIT) return undefined
  if (headers['transfer-encoding'] !== undefined) return undefined
  return sentOnceEach(request.rawHeaders) ? format : undefined
}

/** Whether each of ONCE_EACH is in the headers as sent exactly once (Node keeps the first of two, or joins them). */
function sentOnceEach(rawHeaders: readonly string[]): boolean {
  const counts = [0, 0, 0, 0]
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const index = (ONCE_EACH as readonly string[]).indexOf(rawHeaders[i]!.toLowerCase())
    if (index !== -1) counts[index]!++
  }
  return counts.every((count) => count === 1)
}

/** The API key an Authorization header presents well-formed; undefined for anything else (Fastify refuses it). */
export function laneApiKey(header: string | undefined): string | undefined {
  try {
    const credential = presentedCredential(header)
    return credential.kind === 'api_key' ? credential.key : undefined
  } catch {
    return undefined
  }
}

/** The request's socket closed before its body was read whole: nobody is left to answer. */
class ClientGone extends Error {}

/** Runs the route's steps (routes/workflow-v41.ts) and answers as its hooks and handlers would. */
async function answer(deps: LaneDeps, request: IncomingMessage, response: ServerResponse, format: Format, caller: Caller): Promise<void> {
  const started = performance.now()
  const id = randomUUID()
  // The answer's headers as Fastify sends them: the rate limit's first, then the route's, then the common ones.
  const headers: string[] = []
  let status = 200
  let body: string
  try {
    await deps.rateLimiter(caller, { header: (name, value) => headers.push(name, value) })
    const input = parseWorkflowInput(await bodyFields(await readBody(request), request.headers['content-type']!))
    const source = { headers: request.headers, raw: request }
    const idempotencyKey = readIdempotencyKey(source)
    const expectedVersion = readIfMatch(source)
    const result = await updateWorkflow(deps.ctx, caller, input, { idempotencyKey, expectedVersion })
    body = renderEnvelope({ Data: { number_customergauge: result.numberCustomergauge } }, format)
    headers.push('content-type', CONTENT_TYPES[format])
  } catch (error) {
    if (error instanceof ClientGone) return
    const refusal = await keyRefusalOr(deps.ctx, caller, error)
    const known = asFirehouseError(unavailableOr(deps.ctx, refusal)) ?? refusal
    // The request's logger, made only if the error is logged (most refusals are not), as Fastify's is.
    const requestLog = lazyRequestLogger(deps.log, { reqId: id }, {})
    const answered = errorAnswer(loggedError(known, requestLog, id), 'v41', format)
    status = answered.status
    headers.push(...answered.headers)
    body = answered.body
  }
  headers.push('x-request-id', id, 'x-content-type-options', 'nosniff', 'cache-control', 'no-store', 'content-length', String(Buffer.byteLength(body)))
  response.once('finish', () => {
    const elapsedMs = performance.now() - started
    deps.recordAnswer('POST', request.url!, status, elapsedMs / 1000)
    logAnswer(deps.log, id, () => requestInLog('POST', request.url!, request.headers, request.headers.host, request.socket.remoteAddress, request.socket.remotePort), status, elapsedMs)
  })
  response.writeHead(status, headers)
  response.end(body)
}

/** The whole body (its Content-Length, which Node holds it to, is within the limit). */
function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)))
    request.once('close', () => {
      if (!request.complete) reject(new ClientGone())
    })
    request.once('error', () => reject(new ClientGone()))
  })
}
