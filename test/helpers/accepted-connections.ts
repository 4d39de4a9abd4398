// Raw HTTP connections the server has already accepted, so that requests written on them in one
// synchronous step all reach the server before it handles any of them.

import { connect, type Socket } from 'node:net'
import { setImmediate as nextTurn } from 'node:timers/promises'
import type { TestServer } from './server.js'

export interface AcceptedConnection {
  /** Writes the request now (synchronously) and resolves with the answer once the server closed. */
  send: (request: Uint8Array) => Promise<Response>
}

/** Opens `count` connections and waits until the server has accepted each; nothing is sent yet. */
export async function openAcceptedConnections(server: Pick<TestServer, 'url' | 'app'>, count: number): Promise<AcceptedConnection[]> {
  let accepted = 0
  const onConnection = () => void (accepted += 1)
  server.app.server.on('connection', onConnection)
  try {
    const sockets = await Promise.all(Array.from({ length: count }, () => openSocket(server.url)))
    while (accepted < count) await nextTurn()
    return sockets.map((socket) => ({ send: (request) => send(socket, request) }))
  } finally {
    server.app.server.off('connection', onConnection)
  }
}

/** A POST as bytes, with Connection: close so that the answer ends with the connection. */
export function postBytes(path: string, headers: Record<string, string>, body: string): Uint8Array {
  const lines = [`POST ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`)]
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', '', body)
  return Buffer.from(lines.join('\r\n'))
}

function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve(socket))
    socket.once('error', reject)
  })
}

function send(socket: Socket, request: Uint8Array): Promise<Response> {
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  const answer = new Promise<Response>((resolve, reject) => {
    socket.once('error', reject)
    socket.once('close', () => resolve(parseAnswer(Buffer.concat(chunks))))
  })
  socket.write(request)
  return answer
}

/** One answer with a Content-Length body, as a fetch Response. */
function parseAnswer(raw: Buffer): Response {
  const end = raw.indexOf('\r\n\r\n')
  if (end < 0) throw new Error(`no complete answer: ${JSON.stringify(raw.toString('latin1').slice(0, 200))}`)
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n')
  const headers = new Headers(lines.map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()] as [string, string]))
  const body = raw.subarray(end + 4, end + 4 + Number(headers.get('content-length') ?? raw.length))
  return new Response(new Uint8Array(body), { status: Number(statusLine.split(' ')[1]), headers })
}
