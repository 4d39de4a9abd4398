// `serve --workers N` without Redis: the workers draw on one bucket per key (kept by the primary),
// so a key gets the limit RateLimit-Limit states, not N times it (issue 13, item 15).

import assert from 'node:assert/strict'
import { request } from 'node:http'
import { test } from 'node:test'
import { createWorkspace, KEY_PATTERN, startServe } from './cli-process.js'

const WORKERS = 2
/** Tokens a second per key; the bucket holds twice as many (the burst). */
const RATE = 1
const CAPACITY = RATE * 2
const REQUESTS = 24

/** One GET on a connection of its own, so the primary hands each to the next worker in turn. */
function getOnNewConnection(url: string, key: string): Promise<{ status: number; limit: string | undefined }> {
  return new Promise((resolve, reject) => {
    const sent = request(url, { agent: false, headers: { authorization: `api_key ${key}` } }, (answer) => {
      answer.resume()
      answer.on('end', () => resolve({ status: answer.statusCode!, limit: answer.headers['ratelimit-limit'] as string | undefined }))
    })
    sent.on('error', reject)
    sent.end()
  })
}

test(`serve --workers ${WORKERS} without Redis grants a key the stated limit once, not once per worker`, async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  const key = (await ws.ok(['key', 'create', 'acme'])).trim().split('\n').pop()!.trim()
  assert.match(key, KEY_PATTERN)
  const server = await startServe(t, ['--workers', String(WORKERS), '--port', '0', '--db', ws.db], /^Firehouse listening on \S+/m, {
    env: { FIREHOUSE_RATE_LIMIT: String(RATE) },
  })
  const url = /^Firehouse listening on (\S+) /m.exec(server.stdout())![1]
  const started = Date.now()
  const answers = []
  for (let i = 0; i < REQUESTS; i++) answers.push(await getOnNewConnection(`${url}/api/v1/cases/1`, key))
  const elapsedS = (Date.now() - started) / 1000
  const allowed = answers.filter((answer) => answer.status !== 429).length
  assert.deepEqual(new Set(answers.map((answer) => answer.limit)), new Set([String(CAPACITY)]))
  // One bucket: the burst plus what refilled meanwhile. A bucket per worker would allow about twice that.
  const bound = CAPACITY + Math.floor(RATE * elapsedS)
  assert.ok(allowed <= bound, `${allowed} of ${REQUESTS} requests allowed in ${elapsedS.toFixed(2)} s; one shared bucket allows at most ${bound}`)
  assert.ok(allowed >= CAPACITY, `the burst is served: ${allowed}`)
  assert.deepEqual(await server.stop(), { code: 0, signal: null })
})
