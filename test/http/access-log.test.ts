// The access log (src/http/access-log.ts): its line, put together without pino's generic path, is
// the line pino writes for the same request (level, time, bindings, fields, in that order), at
// pino's level only; the request's own logger, made only when used, binds the request id as
// Fastify's child did. Real requests over HTTP on 127.0.0.1, pino writing to a stream of the test.

import assert from 'node:assert/strict'
import { request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test, type TestContext } from 'node:test'
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import pino from 'pino'
import { AccessLog, accessLogRequest, lazyRequestLogger } from '../../src/http/access-log.js'

interface Lines {
  write(line: string): void
  lines: string[]
}

function lineStream(): Lines {
  const lines: string[] = []
  return { lines, write: (text) => lines.push(...text.split('\n').filter((line) => line !== '')) }
}

/** What pino itself writes for the access line of this request: the reference the line is held to. */
function pinoLine(request: FastifyRequest, reply: FastifyReply, elapsed: number): string {
  const stream = lineStream()
  const logger = pino({ level: 'info', serializers: { req: accessLogRequest, res: (res: FastifyReply) => ({ statusCode: res.statusCode }) } }, stream)
  logger.info({ reqId: request.id, req: request, res: reply, responseTime: elapsed }, 'request completed')
  return stream.lines[0]!
}

/** An app logging as the server does, to `stream`; each answered request also gets pino's own line for it. */
async function appLoggingTo(t: TestContext, stream: Lines, level = 'info'): Promise<{ app: FastifyInstance; url: string; expected: string[] }> {
  const expected: string[] = []
  const app = Fastify({ logger: { level, stream }, logController: new AccessLog(), childLoggerFactory: lazyRequestLogger })
  app.get('/ok', async () => 'ok')
  app.get('/logs', async (request) => {
    request.log.warn({ detail: 'a "quoted" détail' }, 'logged by the route')
    return 'logged'
  })
  app.get('/level', async (request, reply) => ({ same: request.log === reply.log, level: request.log.level }))
  app.addHook('onResponse', async (request, reply) => {
    expected.push(pinoLine(request, reply, 0))
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.after(() => app.close())
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, expected }
}

/** A GET with headers as given (the Host too), the path sent as is. */
function get(url: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(`${url}${path}`, { headers }, (answer) => {
      answer.resume()
      answer.on('end', () => resolve(answer.statusCode ?? 0))
    })
    sent.on('error', reject)
    sent.end()
  })
}

/** A line with its two clocks set aside (the time, and the time the answer took), the rest as written. */
function withoutClocks(line: string): string {
  return line.replace(/"time":\d+/, '"time":T').replace(/"responseTime":[\d.e-]+/, '"responseTime":R')
}

const completed = (lines: string[]): string[] => lines.filter((line) => line.includes('"msg":"request completed"'))

test('the access line is the one pino writes for the same request, fields and their order included', async (t) => {
  const stream = lineStream()
  const { url, expected } = await appLoggingTo(t, stream)
  await get(url, '/ok')
  await get(url, '/ok?api_key=SECRET&comment=x')
  await get(url, '/ok', { host: 'odd"host\\name', 'accept-version': '2 "beta"' })
  await get(url, '/ok/%22%5C%E2%82%AC')
  await new Promise((resolve) => setImmediate(resolve))
  const lines = completed(stream.lines)
  assert.equal(lines.length, 4, stream.lines.join('\n'))
  assert.deepEqual(lines.map(withoutClocks), expected.map(withoutClocks))
  for (const line of lines) {
    const entry = JSON.parse(line) as { time: number; responseTime: number; pid: number; hostname: string }
    assert.ok(Math.abs(entry.time - Date.now()) < 60_000, line)
    assert.ok(entry.responseTime >= 0 && entry.responseTime < 60_000, line)
    assert.equal(entry.pid, process.pid)
  }
  assert.ok(!lines.some((line) => line.includes('SECRET')), 'the query string is never logged')
  assert.match(lines[2]!, /"version":"2 \\"beta\\""/)
})

test('no access line below the logger’s level; lines of other levels still written', async (t) => {
  const stream = lineStream()
  const { url } = await appLoggingTo(t, stream, 'warn')
  assert.equal(await get(url, '/logs'), 200)
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(completed(stream.lines), [])
  assert.equal(stream.lines.length, 1, stream.lines.join('\n'))
  assert.match(stream.lines[0]!, /"msg":"logged by the route"/)
})

test("a route's own line goes through the request's logger, its id bound, as Fastify's child wrote it", async (t) => {
  const stream = lineStream()
  const { url } = await appLoggingTo(t, stream)
  assert.equal(await get(url, '/logs'), 200)
  await new Promise((resolve) => setImmediate(resolve))
  const routeLine = stream.lines.find((line) => line.includes('logged by the route'))!
  const completedLine = completed(stream.lines)[0]!
  const reqId = (JSON.parse(completedLine) as { reqId: string }).reqId
  const reference = lineStream()
  pino({ level: 'info' }, reference).child({ reqId }).warn({ detail: 'a "quoted" détail' }, 'logged by the route')
  assert.equal(withoutClocks(routeLine), withoutClocks(reference.lines[0]!))
  // The same logger for the request and its reply, as Fastify's child was; its level is the app's.
  assert.deepEqual(await (await fetch(`${url}/level`)).json(), { same: true, level: 'info' })
})

test("no child logger is made for a request that writes nothing through it (its debug line below the level); one that does gets one", async (t) => {
  const stream = lineStream()
  let children = 0
  const counting = (parent: FastifyBaseLogger): FastifyBaseLogger =>
    new Proxy(parent, {
      get: (target, name, receiver) =>
        name === 'child'
          ? (...args: Parameters<FastifyBaseLogger['child']>) => {
              children++
              return target.child(...args)
            }
          : Reflect.get(target, name, receiver),
    })
  const app = Fastify({
    logger: { level: 'info', stream },
    logController: new AccessLog(),
    childLoggerFactory: (parent, bindings, options) => lazyRequestLogger(counting(parent), bindings, options),
  })
  app.get('/ok', async (request) => {
    request.log.debug('below the level')
    return 'ok'
  })
  app.get('/logs', async (request) => {
    request.log.warn('at the level')
    return 'logged'
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.after(() => app.close())
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  for (let i = 0; i < 5; i++) assert.equal(await get(url, '/ok'), 200)
  assert.equal(children, 0)
  assert.equal(await get(url, '/logs'), 200)
  assert.equal(children, 1)
  await new Promise((resolve) => setImmediate(resolve))
  assert.ok(!stream.lines.some((line) => line.includes('below the level')))
  assert.equal(stream.lines.filter((line) => line.includes('"msg":"at the level"')).length, 1)
})
