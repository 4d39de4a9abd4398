// Retry rules of the client against a small node:http server that fails on purpose: what is retried,
// how long it waits, the Idempotency-Key of every attempt, abort and deadline.

import assert from 'node:assert/strict'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { test, type TestContext } from 'node:test'
import { WorkflowApiError, WorkflowClient, type RetryInfo, type WorkflowClientOptions } from '../../src/client/index.js'

interface Seen {
  at: number
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

/** What the server does with the n-th request (0-based): answer, hang, or drop the connection. */
type Script = (n: number, response: ServerResponse, request: IncomingMessage, body: string) => void

const OK = '{"Data":{"number_customergauge":12}}'
const json = (response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void => {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(body)
}
const error = (code: number, message: string): string => JSON.stringify({ Error: { Message: message, Code: code } })
const hang = (): void => undefined
const drop = (_response: ServerResponse, request: IncomingMessage): void => void request.socket.destroy()

/** A scripted server; every request is recorded with its arrival time. */
async function scripted(t: TestContext, script: Script) {
  const seen: Seen[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString()
      seen.push({ at: performance.now(), method: request.method!, url: request.url!, headers: request.headers, body })
      script(seen.length - 1, response, request, body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.after(() => {
    server.closeAllConnections()
    return new Promise<void>((resolve) => server.close(() => resolve()))
  })
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const retries: RetryInfo[] = []
  const client = (options: Partial<WorkflowClientOptions> = {}): WorkflowClient =>
    new WorkflowClient({ apiKey: 'fh_test', baseUrl, retryBaseMs: 20, retryMaxMs: 200, onRetry: (info) => retries.push(info), ...options })
  return { seen, retries, client, baseUrl }
}

async function failure(promise: Promise<unknown>): Promise<WorkflowApiError> {
  const reason = await promise.then(() => assert.fail('expected a rejection'), (caught: unknown) => caught)
  assert.ok(reason instanceof WorkflowApiError, `not a WorkflowApiError: ${String(reason)}`)
  return reason
}

const gaps = (seen: readonly Seen[]): number[] => seen.slice(1).map((entry, index) => entry.at - seen[index]!.at)

test('429 with Retry-After: 1 is retried after at least a second, then succeeds', async (t) => {
  const { seen, retries, client } = await scripted(t, (n, response) =>
    n === 0 ? json(response, 429, error(300008, 'Rate limit exceeded'), { 'retry-after': '1' }) : json(response, 200, OK),
  )
  assert.deepEqual(await client().updateWorkflow({ numberCustomergauge: 12 }), { numberCustomergauge: 12 })
  assert.equal(seen.length, 2)
  assert.ok(retries[0]!.delayMs >= 1000, `waited ${retries[0]!.delayMs} ms`)
  assert.ok(gaps(seen)[0]! >= 995, `the retry came ${gaps(seen)[0]} ms later`)
})

test('503 twice then 200: three attempts, full-jitter delays within their bounds, one Idempotency-Key', async (t) => {
  const { seen, retries, client } = await scripted(t, (n, response) =>
    n < 2 ? json(response, 503, error(503000, 'Service unavailable')) : json(response, 200, OK),
  )
  const cg = client({ retryBaseMs: 40, retryMaxMs: 60 })
  assert.deepEqual(await cg.updateWorkflow({ numberCustomergauge: 12, status: 'CLOSE' }), { numberCustomergauge: 12 })
  assert.equal(seen.length, 3)
  // Attempt n waits random(0, min(60, 40·2^(n-1))): below 40, then below 60 (the cap).
  assert.deepEqual(retries.map((info) => [info.attempt, info.error.code]), [[1, 503000], [2, 503000]])
  assert.ok(retries[0]!.delayMs >= 0 && retries[0]!.delayMs < 40, `first wait ${retries[0]!.delayMs}`)
  assert.ok(retries[1]!.delayMs >= 0 && retries[1]!.delayMs < 60, `second wait ${retries[1]!.delayMs}`)
  gaps(seen).forEach((gap, index) => assert.ok(gap >= retries[index]!.delayMs - 2, `gap ${gap} < wait ${retries[index]!.delayMs}`))

  const keys = seen.map((entry) => String(entry.headers['idempotency-key']))
  assert.match(keys[0]!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  assert.deepEqual(new Set(keys).size, 1)
  for (const entry of seen) {
    assert.equal(entry.method, 'POST')
    assert.equal(entry.url, '/v4.1/workflow.json')
    assert.equal(entry.headers.authorization, 'api_key fh_test')
    assert.equal(entry.headers['content-type'], 'application/x-www-form-urlencoded')
    assert.equal(entry.body, 'number_customergauge=12&status=CLOSE')
  }
  await cg.updateWorkflow({ numberCustomergauge: 12 })
  assert.notEqual(seen[3]!.headers['idempotency-key'], keys[0], 'the next call has a key of its own')
})

test('the jitter spans its whole range: random() near 1 waits just under the bound, 0 waits nothing', async (t) => {
  const { seen, retries, client } = await scripted(t, (n, response) =>
    n % 3 < 2 ? json(response, 502, '<html>Bad gateway</html>', { 'content-type': 'text/html' }) : json(response, 200, OK),
  )
  await client({ retryBaseMs: 50, retryMaxMs: 80, random: () => 0.9999 }).updateWorkflow({ numberCustomergauge: 12 })
  assert.deepEqual(retries.map((info) => info.delayMs), [49, 79])
  gaps(seen).forEach((gap, index) => assert.ok(gap >= retries[index]!.delayMs - 2, `gap ${gap}`))
  assert.deepEqual(retries.map((info) => [info.error.kind, info.error.code, info.error.status]), [['http', 0, 502], ['http', 0, 502]])
  retries.length = 0
  await client({ retryBaseMs: 50, random: () => 0 }).updateWorkflow({ numberCustomergauge: 12 })
  assert.deepEqual(retries.map((info) => info.delayMs), [0, 0])
})

test('a dropped connection is retried with the same Idempotency-Key; one that keeps dropping fails as network error 0', async (t) => {
  const { seen, client } = await scripted(t, (n, response, request) => (n === 0 || n >= 2 ? drop(response, request) : json(response, 200, OK)))
  assert.deepEqual(await client().updateWorkflow({ numberCustomergauge: 12, idempotencyKey: 'mine-1' }), { numberCustomergauge: 12 })
  assert.deepEqual(seen.map((entry) => entry.headers['idempotency-key']), ['mine-1', 'mine-1'])
  const dropped = await failure(client({ retries: 2 }).updateWorkflow({ numberCustomergauge: 12 }))
  assert.deepEqual([dropped.kind, dropped.code, dropped.status, dropped.attempts, dropped.retryable], ['network', 0, 0, 3, true])
  assert.equal(seen.length, 5)
})

test('a 400 is not retried: one attempt, its code, attempts 1', async (t) => {
  const { seen, retries, client } = await scripted(t, (_n, response) => json(response, 400, error(300001, 'Invalid argument: number_customergauge')))
  const rejected = await failure(client().updateWorkflow({ numberCustomergauge: 0 }))
  assert.deepEqual([rejected.kind, rejected.code, rejected.status, rejected.attempts, rejected.retryable], ['api', 300001, 400, 1, false])
  assert.equal(seen.length, 1)
  assert.deepEqual(retries, [])
})

test('409 300010 (the same key still being processed) is retried; other 409s and 422 are not', async (t) => {
  const { seen, client } = await scripted(t, (n, response) =>
    n === 0 ? json(response, 409, error(300010, 'Still processing')) : n === 1 ? json(response, 200, OK) : json(response, 422, error(300009, 'Reused key')),
  )
  await client().updateWorkflow({ numberCustomergauge: 12 })
  assert.equal(seen.length, 2)
  const reused = await failure(client().updateWorkflow({ numberCustomergauge: 12 }))
  assert.deepEqual([reused.code, reused.attempts], [300009, 1])
})

test('retries run out: the last error, with the number of attempts', async (t) => {
  const { seen, client } = await scripted(t, (_n, response) => json(response, 503, error(503000, 'Service unavailable'), { 'retry-after': '0' }))
  const exhausted = await failure(client({ retries: 2 }).updateWorkflow({ numberCustomergauge: 12 }))
  assert.deepEqual([exhausted.code, exhausted.status, exhausted.attempts, exhausted.retryable], [503000, 503, 3, true])
  assert.equal(seen.length, 3)
})

test('an attempt that takes longer than timeoutMs is abandoned and retried; then fails as timeout', async (t) => {
  const { seen, client } = await scripted(t, hang)
  const timedOut = await failure(client({ timeoutMs: 200, retries: 1 }).updateWorkflow({ numberCustomergauge: 12 }))
  assert.deepEqual([timedOut.kind, timedOut.code, timedOut.status, timedOut.attempts, timedOut.retryable], ['timeout', 0, 0, 2, true])
  // On a loaded machine an attempt may time out before the server has read it.
  assert.ok(seen.length <= 2)
})

/** Waits until the server has seen `count` requests. */
async function until(seen: readonly Seen[], count: number): Promise<void> {
  while (seen.length < count) await new Promise((resolve) => setTimeout(resolve, 5))
}

// These scripts answer by the request's CG-ID, not by arrival order: an attempt abandoned before
// it reached the server must not shift the script.
const byCgid = (hanging: string) => (_n: number, response: ServerResponse, _request: IncomingMessage, body: string) =>
  body.includes(`number_customergauge=${hanging}`) ? hang() : json(response, 429, error(300008, 'Rate limit exceeded'), { 'retry-after': '30' })

test('the deadline ends a hanging call, and a Retry-After beyond the deadline is not waited for', async (t) => {
  const { seen, client } = await scripted(t, byCgid('1'))
  const late = await failure(client({ deadlineMs: 100 }).updateWorkflow({ numberCustomergauge: 1 }))
  assert.deepEqual([late.kind, late.code, late.status, late.attempts], ['deadline', 0, 0, 1])
  const started = performance.now()
  const limited = await failure(client({ deadlineMs: 5_000 }).updateWorkflow({ numberCustomergauge: 2 }))
  assert.deepEqual([limited.code, limited.status, limited.attempts, limited.retryAfterMs], [300008, 429, 1, 30_000])
  assert.ok(performance.now() - started < 5_000, 'gave up without waiting for the deadline')
  assert.equal(seen.filter((entry) => entry.body.includes('number_customergauge=2')).length, 1)
})

test('abort stops the request in flight and the wait between attempts, rejecting with the signal\'s reason', async (t) => {
  const { seen, client } = await scripted(t, byCgid('1'))
  const reason = new Error('user cancelled')
  const inFlight = new AbortController()
  const hanging = client().updateWorkflow({ numberCustomergauge: 1, signal: inFlight.signal })
  await until(seen, 1)
  inFlight.abort(reason)
  await assert.rejects(hanging, (caught) => caught === reason)

  const waiting = new AbortController()
  const call = client().updateWorkflow({ numberCustomergauge: 2, signal: waiting.signal })
  await until(seen, 2)
  waiting.abort()
  await assert.rejects(call, { name: 'AbortError' })
  await new Promise((resolve) => setTimeout(resolve, 50))
  assert.equal(seen.length, 2, 'no attempt after the abort')

  await assert.rejects(client().getCase(12, { signal: AbortSignal.abort(reason) }), (caught) => caught === reason)
  assert.equal(seen.length, 2, 'an aborted signal sends nothing')
})

test('reads retry too: GET /api/v1/cases/{cgid} after a 503 and a dropped connection', async (t) => {
  const item = { number_customergauge: 12, status: null, status_code: null, status_label: null, assigned_to: null,
    opened_at: null, followed_up_at: null, closed_at: null, updated_at: null, history: [] }
  const { seen, client } = await scripted(t, (n, response, request) =>
    n === 0 ? json(response, 503, error(503000, 'Service unavailable')) : n === 1 ? drop(response, request) : json(response, 200, JSON.stringify(item)),
  )
  assert.deepEqual(await client().getCase(12), item)
  assert.deepEqual(seen.map((entry) => [entry.method, entry.url, entry.headers.authorization]), Array(3).fill(['GET', '/api/v1/cases/12', 'api_key fh_test']))
})

test('XML answers: the success and error envelopes are parsed, entities and character references decoded', async (t) => {
  const xml = (response: ServerResponse, status: number, body: string): void =>
    void response.writeHead(status, { 'content-type': 'application/xml; charset=utf-8' }).end(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`)
  const { seen, client } = await scripted(t, (n, response) =>
    n === 0
      ? xml(response, 400, '<Error><Message>Invalid status: &lt;a&gt; &amp; &quot;b&quot; &apos;c&apos; &#233;&#x1F600;</Message><Code>400011</Code></Error>')
      : xml(response, 200, '<Data><number_customergauge>12</number_customergauge></Data>'),
  )
  const cg = client({ format: 'xml' })
  const rejected = await failure(cg.updateWorkflow({ numberCustomergauge: 12, status: '<a>' }))
  assert.deepEqual([rejected.code, rejected.message], [400011, `Invalid status: <a> & "b" 'c' é😀`])
  assert.deepEqual(await cg.updateWorkflow({ numberCustomergauge: 12 }), { numberCustomergauge: 12 })
  assert.deepEqual(seen.map((entry) => [entry.url, entry.headers.accept]), Array(2).fill(['/v4.1/workflow.xml', 'application/xml']))
})
