// The checks every request passes before its surface's own (docs/errors.md, order of checks): one
// Host, a path some route serves exactly as sent, a method served there, one Content-Type.

import type { IncomingHttpHeaders } from 'node:http'
import { errorCodes, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { FirehouseError } from '../domain/errors.js'

/**
 * Refuses, in an onRequest hook (before any surface's key check, and before a body is read):
 * a request without exactly one Host (300005), a path no route serves as sent (300002), a method
 * the path's routes do not serve (300003 with Allow). Must run before any route is added.
 */
export function addCommonChecks(app: FastifyInstance): void {
  const served = new Map<string, { pattern: RegExp; methods: string[] }>()
  app.addHook('onRoute', (route) => {
    const entry = served.get(route.url) ?? { pattern: patternOf(route.url), methods: [] }
    entry.methods.push(...[route.method].flat())
    served.set(route.url, entry)
  })
  app.addHook('onRequest', async (request, reply) => {
    checkHost(request, reply)
    const path = request.url.split('?', 1)[0]!
    if (!request.is404) {
      // The router matched the path once percent-decoded (`workflow%2exml` as `workflow.xml`):
      // the format follows the path as sent, so such a path names no module.
      if (served.get(request.routeOptions.url ?? '')?.pattern.test(path)) return
      throw new FirehouseError('MODULE_NOT_FOUND', 'Module does not exist')
    }
    const allow = [...served.values()].filter(({ pattern }) => pattern.test(path)).flatMap(({ methods }) => methods)
    if (allow.length === 0) throw new FirehouseError('MODULE_NOT_FOUND', 'Module does not exist')
    throw new FirehouseError('METHOD_NOT_ALLOWED', 'Method does not exist', { details: { allow: [...new Set(allow)] } })
  })
  // Once the body is read (its size comes first): a second Content-Type would leave its media type
  // to whichever one a proxy or parser believes.
  app.addHook('preValidation', async (request) => {
    if (headerCount(request, 'content-type') > 1) {
      throw new FirehouseError('UNSUPPORTED_MEDIA_TYPE', 'Unsupported Content-Type: the Content-Type header is given more than once')
    }
  })
}

/**
 * Reads a body of any media type the surface does not take, up to `bodyLimit`, then refuses it
 * with Fastify's 415 (worded by the surface): so a body's size is checked before its type.
 */
export function refuseOtherMediaTypes(app: FastifyInstance, bodyLimit: number): void {
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, _body, done) =>
    done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(), undefined),
  )
}

/** A request's headers, parsed and as sent: a FastifyRequest, or what the v4.1 lane (workflow-lane.ts) reads of Node's request. */
export interface HeaderSource {
  headers: IncomingHttpHeaders
  raw: { rawHeaders: string[] }
}

/** How many times a header is in the request as sent (Node keeps only the first of some, joins others). */
export function headerCount(request: HeaderSource, name: string): number {
  const raw = request.raw.rawHeaders
  let count = 0
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === name) count++
  return count
}

/** RFC 9112 §3.2: an HTTP/1.1 request without Host, or with more than one, is a 400. */
function checkHost(request: FastifyRequest, reply: FastifyReply): void {
  const hosts = headerCount(request, 'host')
  const { httpVersionMajor, httpVersionMinor } = request.raw
  if (hosts > 1 || (hosts === 0 && httpVersionMajor === 1 && httpVersionMinor >= 1)) {
    reply.header('connection', 'close')
    throw new FirehouseError('MALFORMED_BODY', 'Malformed request: an HTTP/1.1 request needs exactly one Host header')
  }
}

/** A route's path (find-my-way syntax: `:param`, `*`) as a pattern over the raw, undecoded path. */
function patternOf(url: string): RegExp {
  const source = url
    .split(/(:[A-Za-z0-9_]+|\*)/)
    .map((part, i) => (i % 2 === 0 ? part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : part === '*' ? '.*' : '[^/]+'))
    .join('')
  return new RegExp(`^${source}$`)
}
