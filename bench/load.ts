// Drives POST /v4.1/workflow.json with autocannon for a bounded time; exact latency percentiles.

import autocannon from 'autocannon'

const STATUSES = ['OPEN', 'PROGRESS', 'CLOSED'] as const
const COMMENT = 'Called+the+customer'

export interface LoadOptions {
  /** The server's base URL; only 127.0.0.1 is accepted. */
  url: string
  apiKey: string
  /** CG-IDs 1 … records exist; each request picks one at random. */
  records: number
  connections: number
  durationS: number
}

export interface LoadResult {
  connections: number
  durationS: number
  /** Successful (2xx) updates per second. */
  updatesPerS: number
  /** Latencies of the 2xx answers, in milliseconds. */
  p50Ms: number
  p99Ms: number
  maxMs: number
  ok: number
  non2xx: number
  errors: number
  timeouts: number
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  if (new URL(options.url).hostname !== '127.0.0.1') throw new Error(`load goes to 127.0.0.1 only, not ${options.url}`)
  const latencies: number[] = []
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(settingsOf(options), (error: unknown, done: autocannon.Result) => (error ? reject(error) : resolve(done)))
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime)
    })
  })
  latencies.sort((a, b) => a - b)
  return {
    connections: options.connections,
    durationS: result.duration,
    updatesPerS: result['2xx'] / result.duration,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? NaN,
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  }
}

function settingsOf(options: LoadOptions): autocannon.Options {
  return {
    url: options.url,
    connections: options.connections,
    duration: options.durationS,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: '/v4.1/workflow.json',
        headers: {
          authorization: `api_key ${options.apiKey}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        setupRequest: (request) => ({ ...request, body: formBody(options.records) }),
      },
    ],
  }
}

/** One v4.1 call: a random existing CG-ID, a random standard status and a short comment. */
export function formBody(records: number): string {
  const cgid = 1 + Math.floor(Math.random() * records)
  const status = STATUSES[Math.floor(Math.random() * STATUSES.length)]
  return `number_customergauge=${cgid}&status=${status}&comment=${COMMENT}`
}

export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!
}
