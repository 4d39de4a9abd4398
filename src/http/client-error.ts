// Answers a request Node's HTTP parser rejects (bad framing, bad header byte, too slow, headers too
// large) with the SPEC envelope and the common headers, after the answers the connection still owes.

import { randomUUID } from 'node:crypto'
import type { Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { ERROR_CODES } from '../domain/errors.js'
import { CONTENT_TYPES, formatOfUrl, renderEnvelope } from './formats.js'

type ClientError = Error & { code?: string; rawPacket?: unknown }

/** How long a refused connection may take to read its last answer before it is dropped. */
const LINGER_MS = 5_000

/**
 * The status and message of each refusal. The code is 300005 for all: the request could not be
 * read. A timeout and oversized headers keep their own statuses (408: a client may retry; 431).
 */
function refusal(error: ClientError): { status: string; message: string } {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: '408 Request Timeout', message: 'Malformed request: the request did not arrive in time' }
  }
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    return { status: '431 Request Header Fields Too Large', message: 'Malformed request: the headers are too large' }
  }
  return { status: '400 Bad Request', message: 'Malformed request: the HTTP request cannot be parsed' }
}

export interface ClientErrors {
  /** Fastify's clientErrorHandler (called with the Fastify instance as `this`). */
  answer(this: FastifyInstance, error: ClientError, socket: Socket): void
  /** Follows the answers each connection owes; call once with the HTTP server. */
  track(server: Server): void
}

/**
 * Pipelined requests are answered in order: a request read whole before the malformed one gets its
 * answer first (the parser has read past it while it was in flight), then the refusal, then the
 * connection closes. Without this, destroying the socket would drop an answer to a committed change.
 */
export function createClientErrors(): ClientErrors {
  const owed = new WeakMap<Socket, Set<ServerResponse>>()
  const refusing = new WeakSet<Socket>()
  // One listener for every answer, not a closure (and once's wrapper) per request: it runs once,
  // since an answer closes once.
  function answered(this: ServerResponse): void {
    owed.get(this.req.socket)?.delete(this)
  }
  return {
    track(server) {
      server.on('request', (request, response: ServerResponse) => {
        const socket = request.socket
        let answers = owed.get(socket)
        if (answers === undefined) owed.set(socket, (answers = new Set()))
        answers.add(response)
        response.on('close', answered)
      })
    },
    answer(error, socket) {
      // A broken parser reports again on every later chunk: one answer per connection.
      if (error.code === 'ECONNRESET' || socket.destroyed || refusing.has(socket)) return
      refusing.add(socket)
      const requestId = randomUUID()
      this.log.info({ reqId: requestId, code: error.code }, 'malformed request refused')
      const answers = [...(owed.get(socket) ?? [])]
      // The request being read when the parser failed is the one refused; those read whole come first.
      const before = answers.filter((response) => response.req.complete)
      const refused = answers.find((response) => !response.req.complete)
      const refuse = (): void => {
        if (socket.destroyed) return
        // Its own answer already begun: a refusal written after it would corrupt it.
        if (refused?.headersSent || !socket.writable) return void socket.destroy()
        setTimeout(() => socket.destroy(), LINGER_MS).unref()
        socket.end(rawAnswer(error, requestId), () => socket.destroy())
      }
      if (before.length === 0) refuse()
      else void Promise.all(before.map(untilClosed)).then(refuse)
    },
  }
}

/** An owed answer stays in its socket's set until it closes: written whole, or its connection gone. */
function untilClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => response.once('close', () => resolve()))
}

/** The envelope in the format of the path, when the request line names one. */
function rawAnswer(error: ClientError, requestId: string): string {
  const { status, message } = refusal(error)
  const target = /^\S* (\S+)/.exec(Buffer.isBuffer(error.rawPacket) ? error.rawPacket.toString('latin1') : '')?.[1] ?? ''
  const format = formatOfUrl(target)
  const body = renderEnvelope({ Error: { Message: message, Code: ERROR_CODES.MALFORMED_BODY } }, format)
  const headers = [
    `Content-Type: ${CONTENT_TYPES[format]}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    `X-Request-Id: ${requestId}`,
    'X-Content-Type-Options: nosniff',
    'Cache-Control: no-store',
    'Connection: close',
  ]
  return `HTTP/1.1 ${status}\r\n${headers.join('\r\n')}\r\n\r\n${body}`
}
