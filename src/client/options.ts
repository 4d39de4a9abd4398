// The options of a WorkflowClient: their defaults, and their validation (a TypeError naming the problem).

import type { WorkflowApiError } from './workflow-api-error.js'

/**
 * The regions CustomerGauge serves. A copy of src/domain/region.ts's list: the client is
 * published on its own (`firehouse/client`) and imports nothing from the server's code.
 *
 * @example
 * REGIONS.includes('eu') // true
 */
export const REGIONS = ['eu', 'us', 'au'] as const

/**
 * A region: the client then talks to `https://api.<region>.customergauge.com`.
 *
 * @example
 * const region: Region = 'us'
 */
export type Region = (typeof REGIONS)[number]

/**
 * The answer formats of the v4.1 workflow call (the path's extension).
 *
 * @example
 * const format: WireFormat = 'xml'
 */
export type WireFormat = 'json' | 'xml'

/**
 * The `fetch` the client uses; Node's global one by default.
 *
 * @example
 * const logged: FetchFunction = (input, init) => (console.log(input), fetch(input, init))
 */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>

/**
 * What a retry is about to do, for logging (`onRetry`).
 *
 * @example
 * const onRetry = (info: RetryInfo) => console.warn(`retry ${info.attempt} in ${info.delayMs} ms: ${info.error.message}`)
 */
export interface RetryInfo {
  /** The attempt that failed (1 for the first request). */
  attempt: number
  /** How long the client waits before the next attempt. */
  delayMs: number
  error: WorkflowApiError
}

/**
 * Options of `new WorkflowClient(options)`: an API key, or a connected app's client id and secret.
 *
 * @example
 * const options: WorkflowClientOptions = { apiKey: process.env.CG_API_KEY!, region: 'eu', retries: 5 }
 * const asApp: WorkflowClientOptions = { baseUrl: 'http://127.0.0.1:8080', clientId: 'fhc_…', clientSecret: process.env.FH_CLIENT_SECRET! }
 */
export interface WorkflowClientOptions {
  /** The API key, sent as `Authorization: api_key <key>`. Give this, or `clientId` and `clientSecret`. */
  apiKey?: string
  /**
   * A connected app's client id (`firehouse app create`): the client asks POST /oauth2/token for a
   * bearer token itself (HTTP Basic), keeps it, and asks again shortly before it expires or once
   * when the server refuses it. Needs `clientSecret`; not with `apiKey`.
   */
  clientId?: string
  /** The app's client secret, with `clientId`. */
  clientSecret?: string
  /** The server, e.g. `http://127.0.0.1:8080` (a path prefix is kept). Give this or `region`. */
  baseUrl?: string
  /** `eu` (default), `us` or `au`: `https://api.<region>.customergauge.com`. */
  region?: Region
  /** The v4.1 answer format: `json` (default) or `xml`. Reads are always JSON. */
  format?: WireFormat
  /** Limit of one attempt (request and answer), in ms. Default 30,000. */
  timeoutMs?: number
  /** Retries after the first attempt, for retryable failures only. Default 3. */
  retries?: number
  /** Limit of a whole call, retries and waits included, in ms. Default: none. */
  deadlineMs?: number
  /** Backoff base: the n-th retry waits random(0, min(retryMaxMs, retryBaseMs * 2^(n-1))). Default 200. */
  retryBaseMs?: number
  /** Backoff cap, in ms. Default 10,000. A `Retry-After` of the server may ask for longer. */
  retryMaxMs?: number
  /** Default: the global `fetch`. */
  fetch?: FetchFunction
  /** A number in [0, 1), for the backoff's jitter. Default `Math.random`. */
  random?: () => number
  /** Called before each wait between attempts. */
  onRetry?: (info: RetryInfo) => void
  /** The clock a token's expiry is measured by, in ms since 1970. Default `Date.now`. */
  now?: () => number
}

/**
 * How the client authenticates: an API key, or a connected app's credentials.
 *
 * @example
 * const credentials: Credentials = { kind: 'apiKey', apiKey: 'fh_…' }
 */
export type Credentials = { kind: 'apiKey'; apiKey: string } | { kind: 'app'; clientId: string; clientSecret: string }

/**
 * The options with defaults applied and checked (what resolveOptions returns).
 *
 * @example
 * const { baseUrl, retries }: ResolvedOptions = resolveOptions({ apiKey: 'fh_…' })
 */
export interface ResolvedOptions {
  credentials: Credentials
  baseUrl: string
  format: WireFormat
  timeoutMs: number
  retries: number
  deadlineMs: number | undefined
  retryBaseMs: number
  retryMaxMs: number
  fetch: FetchFunction
  random: () => number
  onRetry: ((info: RetryInfo) => void) | undefined
  now: () => number
}

const DEFAULTS = { region: 'eu', format: 'json', timeoutMs: 30_000, retries: 3, retryBaseMs: 200, retryMaxMs: 10_000 } as const
// Visible ASCII only: anything else cannot travel in an HTTP header.
const HEADER_SAFE = /^[\x21-\x7E]+$/

/**
 * Applies the defaults and checks every option; throws a TypeError naming the first bad one.
 *
 * @example
 * resolveOptions({ apiKey: 'fh_…', region: 'us' }).baseUrl // 'https://api.us.customergauge.com'
 */
export function resolveOptions(options: WorkflowClientOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('WorkflowClient: options must be an object')
  const { format = DEFAULTS.format } = options
  if (format !== 'json' && format !== 'xml') throw new TypeError(`WorkflowClient: format must be 'json' or 'xml' (got ${String(format)})`)
  const fetchFunction = options.fetch ?? globalThis.fetch
  const random = options.random ?? Math.random
  if (typeof fetchFunction !== 'function') throw new TypeError('WorkflowClient: fetch must be a function (or Node 18+ with a global fetch)')
  if (typeof random !== 'function') throw new TypeError('WorkflowClient: random must be a function')
  if (options.onRetry !== undefined && typeof options.onRetry !== 'function') throw new TypeError('WorkflowClient: onRetry must be a function')
  const now = options.now ?? Date.now
  if (typeof now !== 'function') throw new TypeError('WorkflowClient: now must be a function')
  return {
    credentials: resolveCredentials(options),
    baseUrl: resolveBaseUrl(options.baseUrl, options.region),
    format,
    timeoutMs: checkNumber('timeoutMs', options.timeoutMs ?? DEFAULTS.timeoutMs, 1),
    retries: checkNumber('retries', options.retries ?? DEFAULTS.retries, 0, true),
    deadlineMs: options.deadlineMs === undefined ? undefined : checkNumber('deadlineMs', options.deadlineMs, 1),
    retryBaseMs: checkNumber('retryBaseMs', options.retryBaseMs ?? DEFAULTS.retryBaseMs, 0),
    retryMaxMs: checkNumber('retryMaxMs', options.retryMaxMs ?? DEFAULTS.retryMaxMs, 0),
    // Called unbound: a fetch kept as a method of the options object would lose its `this`.
    fetch: (input, init) => fetchFunction(input, init),
    random,
    onRetry: options.onRetry,
    now,
  }
}

/** The API key, or the app's id and secret: one of the two, each as header-safe text. */
function resolveCredentials({ apiKey, clientId, clientSecret }: WorkflowClientOptions): Credentials {
  const asApp = clientId !== undefined || clientSecret !== undefined
  if (apiKey !== undefined && asApp) throw new TypeError('WorkflowClient: give apiKey, or clientId and clientSecret, not both')
  if (!asApp) {
    if (typeof apiKey !== 'string' || !HEADER_SAFE.test(apiKey)) {
      throw new TypeError('WorkflowClient: apiKey must be a non-empty string of visible ASCII characters (or give clientId and clientSecret)')
    }
    return { kind: 'apiKey', apiKey }
  }
  for (const [name, value] of [['clientId', clientId], ['clientSecret', clientSecret]] as const) {
    if (typeof value !== 'string' || !HEADER_SAFE.test(value)) throw new TypeError(`WorkflowClient: ${name} must be a non-empty string of visible ASCII characters (with ${name === 'clientId' ? 'clientSecret' : 'clientId'})`)
  }
  return { kind: 'app', clientId: clientId!, clientSecret: clientSecret! }
}

/**
 * The base URL without a trailing slash: `baseUrl` as given, else the region's CustomerGauge host.
 *
 * @example
 * resolveBaseUrl('http://127.0.0.1:8080/', undefined) // 'http://127.0.0.1:8080'
 */
export function resolveBaseUrl(baseUrl: string | undefined, region: Region | undefined): string {
  if (baseUrl !== undefined && region !== undefined) throw new TypeError('WorkflowClient: give baseUrl or region, not both')
  if (baseUrl === undefined) {
    const chosen = region ?? DEFAULTS.region
    if (!(REGIONS as readonly string[]).includes(chosen)) {
      throw new TypeError(`WorkflowClient: region must be one of ${REGIONS.join(', ')} (got ${String(chosen)})`)
    }
    return `https://api.${chosen}.customergauge.com`
  }
  let url: URL
  try {
    url = new URL(baseUrl)
  } catch {
    throw new TypeError(`WorkflowClient: baseUrl is not a URL (got ${JSON.stringify(baseUrl)})`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('WorkflowClient: baseUrl must be an http: or https: URL')
  if (url.search || url.hash || url.username || url.password) {
    throw new TypeError('WorkflowClient: baseUrl must not carry a query, a fragment or credentials')
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '')
}

function checkNumber(name: string, value: unknown, min: number, integer = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && (!integer || Number.isInteger(value))
  if (!ok) throw new TypeError(`WorkflowClient: ${name} must be ${integer ? 'an integer' : 'a number'} ≥ ${min} (got ${String(value)})`)
  return value as number
}
