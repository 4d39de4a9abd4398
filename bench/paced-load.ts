// Open-loop load at a fixed rate, spread evenly over time: the latency figure at half the max rate.
//
// autocannon's rate limit lets each connection send its quota for the second as fast as it can and
// then wait for the next second: bursts at full speed, so its latencies at "half the rate" are those
// of full load. Here a request is due every 1/rate seconds (sent on a 1 ms timer, as many as are
// due), and its latency counts from when it was due, so a queue on the client side is not hidden.

import http from 'node:http'
import { performance } from 'node:perf_hooks'
import { setTimeout as sleep } from 'node:timers/promises'
import { formBody, percentile, type LoadOptions, type LoadResult } from './load.js'

const REQUEST_TIMEOUT_MS = 10_000

export async function runPacedLoad(options: LoadOptions & { overallRate: number }): Promise<LoadResult> {
  const target = new URL('/v4.1/workflow.json', options.url)
  if (target.hostname !== '127.0.0.1') throw new Error(`load goes to 127.0.0.1 only, not ${options.url}`)
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections })
  const latencies: number[] = []
  const counts = { non2xx: 0, errors: 0, timeouts: 0 }
  const pending = new Set<Promise<void>>()
  const send = (dueAt: number): void => {
    const done = sendOne(target, agent, options, dueAt, latencies, counts).finally(() => pending.delete(done))
    pending.add(done)
  }
  const intervalMs = 1000 / options.overallRate
  const started = performance.now()
  const endsAt = started + options.durationS * 1000
  let sent = 0
  for (let now = started; now < endsAt; now = performance.now()) {
    for (let dueAt = started + sent * intervalMs; dueAt <= now; dueAt = started + sent * intervalMs) {
      send(dueAt)
      sent += 1
    }
    await sleep(1)
  }
  await Promise.all(pending)
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const durationS = (performance.now() - started) / 1000
  return {
    connections: options.connections,
    durationS,
    updatesPerS: latencies.length / durationS,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? NaN,
    ok: latencies.length,
    ...counts,
  }
}

function sendOne(
  target: URL,
  agent: http.Agent,
  options: LoadOptions,
  dueAt: number,
  latencies: number[],
  counts: { non2xx: number; errors: number; timeouts: number },
): Promise<void> {
  const body = formBody(options.records)
  return new Promise((resolve) => {
    const request = http.request(
      target,
      {
        method: 'POST',
        agent,
        timeout: REQUEST_TIMEOUT_MS,
        headers: {
          authorization: `api_key ${options.apiKey}`,
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume()
        response.on('end', () => {
          const status = response.statusCode ?? 0
          if (status >= 200 && status < 300) latencies.push(performance.now() - dueAt)
          else counts.non2xx += 1
          resolve()
        })
      },
    )
    request.on('timeout', () => {
      counts.timeouts += 1
      request.destroy()
    })
    request.on('error', () => {
      counts.errors += 1
      resolve()
    })
    request.end(body)
  })
}
