// HTTP/1.1 over a bare socket: a request can stop short of its body, and another be pipelined behind it.

import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'

/** A form-encoded v4.1 POST as raw bytes, with `api_key` authorization. */
export function rawFormPost(path: string, key: string, body: string): string {
  const headers = [
    `POST ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    `Authorization: api_key ${key}`,
    'Content-Type: application/x-www-form-urlencoded',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ]
  return `${headers.join('\r\n')}\r\n\r\n${body}`
}

export interface RawConnection {
  socket: Socket
  /** Everything the socket received, once the other side has closed it (or it broke). */
  received: Promise<Buffer>
}

/** A connected socket to the server at `url`. */
export async function openConnection(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url)
  const socket = connect(Number(port), hostname)
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  // A write to a socket the server dropped fails with EPIPE/ECONNRESET: what was received still counts.
  socket.on('error', () => {})
  const received = new Promise<Buffer>((resolve) => socket.once('close', () => resolve(Buffer.concat(chunks))))
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  return { socket, received }
}

/** Splits what a socket received into Responses (each with a Content-Length); a cut-off answer is left out. */
export function parseAnswers(received: Buffer): Response[] {
  const answers: Response[] = []
  let rest = received
  for (;;) {
    const end = rest.indexOf('\r\n\r\n')
    if (!rest.subarray(0, 9).equals(Buffer.from('HTTP/1.1 ')) || end < 0) return answers
    const [statusLine, ...lines] = rest.subarray(0, end).toString('latin1').split('\r\n')
    const headers = new Headers(lines.map((line) => line.split(/:\s*/, 2) as [string, string]))
    const length = Number(headers.get('content-length'))
    const body = rest.subarray(end + 4, end + 4 + length)
    if (body.length < length) return answers
    answers.push(new Response(body.toString('utf8'), { status: Number(statusLine!.split(' ')[1]), headers }))
    rest = rest.subarray(end + 4 + length)
  }
}

/**
 * Resolves once a new connection to `url` is refused (the server stopped listening); throws after
 * `boundMs`. Connections accepted meanwhile are closed at once.
 */
export async function untilConnectionsRefused(url: string, boundMs: number): Promise<void> {
  const { hostname, port } = new URL(url)
  const started = Date.now()
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(Number(port), hostname)
      socket.once('connect', () => (socket.destroy(), resolve(false)))
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'))
    })
    if (refused) return
    if (Date.now() - started > boundMs) throw new Error(`${url} still accepts connections after ${boundMs} ms`)
    await sleep(20)
  }
}

/** A request as raw bytes: the request line, the headers exactly as listed (repeats included), the body. */
export function rawHttp(requestLine: string, headers: ReadonlyArray<readonly [string, string]>, body: string | Buffer = ''): Buffer {
  const head = [requestLine, ...headers.map(([name, value]) => `${name}: ${value}`)].join('\r\n')
  return Buffer.concat([Buffer.from(`${head}\r\n\r\n`, 'latin1'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')])
}

/** Sends `bytes` in one write on a new connection; returns the answers once the server has closed it. */
export async function exchange(url: string, bytes: string | Buffer): Promise<Response[]> {
  const connection = await openConnection(url)
  connection.socket.write(bytes)
  return parseAnswers(await connection.received)
}
