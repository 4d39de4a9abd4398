// One webhook attempt over node:http(s): the resolved address checked where it connects, no redirect
// followed, no proxy, a deadline for the whole exchange, at most 64 KiB of the answer read.

import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import type { LookupFunction } from 'node:net'
import type { AddressPolicy } from '../../domain/address-rules.js'
import { isIpAddress } from '../../domain/address-rules.js'
import { systemResolver, type HostResolver } from './settings.js'

/** Of the answer, this much is read at most … */
export const MAX_ANSWER_BYTES = 64 * 1024
/** … and this much kept in the delivery log. */
export const LOGGED_ANSWER_BYTES = 1024

export interface SendOptions {
  timeoutMs: number
  policy: AddressPolicy
  resolveHost?: HostResolver
  /** Aborts the attempt (the server stops). */
  signal?: AbortSignal
}

/** What an attempt got: an HTTP status (with the answer's start), or the reason it got none. */
export interface SendResult {
  status: number | null
  error: string | null
  durationMs: number
  response: string | null
  /** Seconds the receiver's Retry-After asks for, if any. */
  retryAfterS: number | null
}

class RefusedAddress extends Error {
  readonly code = 'EWEBHOOKADDRESS'
}

/** POSTs `body` to `url` once; never throws. */
export function postWebhook(url: string, body: string, headers: Record<string, string>, options: SendOptions): Promise<SendResult> {
  const started = performance.now()
  const elapsed = () => Math.round(performance.now() - started)
  const target = new URL(url)
  const literal = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname
  // An IP literal is connected to as written, without a lookup: it gets its own check.
  const refusal = isIpAddress(literal) ? options.policy.refusalOf(literal) : null
  if (refusal) return Promise.resolve(failure(`Webhook URL not allowed: ${literal} is a ${refusal} address`, elapsed()))
  return new Promise((resolve) => {
    const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      // A connection of its own (no pool, no proxy: node:http honours no HTTP_PROXY), to the checked address.
      agent: false,
      lookup: checkedLookup(options),
    })
    let settled = false
    const settle = (result: SendResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onAbort)
      request.destroy()
      resolve(result)
    }
    const timer = setTimeout(() => settle(failure(`timeout: no answer within ${options.timeoutMs} ms`, elapsed())), options.timeoutMs)
    const onAbort = () => settle(failure('aborted: the server stopped', elapsed()))
    options.signal?.addEventListener('abort', onAbort)
    request.on('response', (response) => readAnswer(response, (result) => settle({ ...result, durationMs: elapsed() })))
    request.on('error', (error) => settle(failure(describe(error), elapsed())))
    request.end(body)
  })
}

/** The lookup Node calls for a host name (with `all: true` in Node 20): every address is checked. */
function checkedLookup(options: SendOptions): LookupFunction {
  const resolveHost = options.resolveHost ?? systemResolver
  return (hostname, lookupOptions, callback) => {
    resolveHost(hostname).then(
      (addresses) => {
        const refused = addresses.map((entry) => options.policy.refusalOf(entry.address)).find((kind) => kind !== null)
        if (addresses.length === 0) return callback(Object.assign(new Error('the host name does not resolve'), { code: 'ENOTFOUND' }), '', 0)
        if (refused) return callback(new RefusedAddress(`Webhook URL not allowed: the host resolves to a ${refused} address`), '', 0)
        if ((lookupOptions as { all?: boolean }).all) return (callback as unknown as (e: null, all: typeof addresses) => void)(null, addresses)
        callback(null, addresses[0]!.address, addresses[0]!.family)
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, '', 0),
    )
  }
}

function readAnswer(response: IncomingMessage, done: (result: Omit<SendResult, 'durationMs'>) => void): void {
  const chunks: Buffer[] = []
  let size = 0
  const finish = () => {
    const text = Buffer.concat(chunks).subarray(0, LOGGED_ANSWER_BYTES).toString('utf8')
    done({ status: response.statusCode ?? 0, error: null, response: text, retryAfterS: retryAfterOf(response.headers['retry-after']) })
  }
  response.on('data', (chunk: Buffer) => {
    size += chunk.length
    if (chunks.reduce((total, kept) => total + kept.length, 0) < LOGGED_ANSWER_BYTES) chunks.push(chunk)
    // Past 64 KiB the rest is not read: the answer so far is the answer.
    if (size >= MAX_ANSWER_BYTES) finish()
  })
  response.on('end', finish)
  response.on('error', finish)
}

/** Retry-After as seconds: a number, or an HTTP date. */
function retryAfterOf(header: string | undefined): number | null {
  if (header === undefined) return null
  if (/^\s*\d+\s*$/.test(header)) return Number(header)
  const at = Date.parse(header)
  return Number.isNaN(at) ? null : Math.max(0, (at - Date.now()) / 1000)
}

function failure(error: string, durationMs: number): SendResult {
  return { status: null, error, durationMs, response: null, retryAfterS: null }
}

/** A network error as its code and message, without anything of this machine's (no stack, no path). */
function describe(error: unknown): string {
  if (error instanceof RefusedAddress) return error.message
  const code = (error as { code?: unknown }).code
  const message = error instanceof Error ? error.message : String(error)
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message
}
