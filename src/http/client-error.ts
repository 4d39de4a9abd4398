// Answers a request Node's HTTP parser rejects (bad method, bad header byte, bad framing) with the SPEC envelope.

import type { Socket } from 'node:net'
import { ERROR_CODES } from '../domain/errors.js'
import { CONTENT_TYPES, formatOfUrl, renderEnvelope } from './formats.js'

const MESSAGE = 'Malformed request: the HTTP request cannot be parsed'

/**
 * Fastify's default answers such a request with its own {"error":"Bad Request",…} body, which is
 * no SPEC envelope; this one answers 300005 in the format of the path, when the request line names one.
 * Timeouts and oversized headers keep Fastify's answers (408, 431): no SPEC code means them.
 */
type ClientError = Error & { code?: string; rawPacket?: unknown }

export function answerClientError(error: ClientError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return
  if (socket.writable) socket.write(rawAnswer(error))
  socket.destroy(error)
}

function rawAnswer(error: ClientError): string {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return fastifyAnswer(408, 'Request Timeout', 'Client Timeout')
  if (error.code === 'HPE_HEADER_OVERFLOW') return fastifyAnswer(431, 'Request Header Fields Too Large', 'Exceeded maximum allowed HTTP header size')
  const target = /^\S* (\S+)/.exec(Buffer.isBuffer(error.rawPacket) ? error.rawPacket.toString('latin1') : '')?.[1] ?? ''
  const format = formatOfUrl(target)
  const body = renderEnvelope({ Error: { Message: MESSAGE, Code: ERROR_CODES.MALFORMED_BODY } }, format)
  const headers = `Content-Type: ${CONTENT_TYPES[format]}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close`
  return `HTTP/1.1 400 Bad Request\r\n${headers}\r\n\r\n${body}`
}

function fastifyAnswer(status: number, reason: string, message: string): string {
  const body = `{"error":"${reason}","message":"${message}","statusCode":${status}}`
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Length: ${body.length}\r\nContent-Type: application/json\r\n\r\n${body}`
}
