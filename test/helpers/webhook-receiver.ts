// A webhook receiver for tests: a node:http server on 127.0.0.1 that records every request and
// answers as the test decides; signatures are checked with the standardwebhooks package, not ours.

import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Webhook } from 'standardwebhooks'

export interface ReceivedEvent {
  id: string
  type: string
  timestamp: string
  data: { case?: Record<string, unknown>; entry?: { seq: number; actor: string } & Record<string, unknown>; tenant: string }
}

export interface Received {
  headers: IncomingHttpHeaders
  body: string
  event: ReceivedEvent
  /** The status the receiver answered (0 while it has not, or never did). */
  status: number
}

/** What to answer to a request: a status (and headers), or 'hang' to never answer. */
export type Answer = { status: number; headers?: Record<string, string>; body?: string } | 'hang'

export interface Receiver {
  url: string
  received: Received[]
  /** Requests answered 2xx. */
  succeeded: () => Received[]
  /** Resolves once `count` requests were answered 2xx (rejects after `timeoutMs`). */
  waitForSuccesses: (count: number, timeoutMs?: number) => Promise<Received[]>
  /** Resolves once `count` requests arrived at all. */
  waitForRequests: (count: number, timeoutMs?: number) => Promise<Received[]>
  close: () => Promise<void>
}

export async function startReceiver(answer: (request: Received, index: number) => Answer | Promise<Answer> = () => ({ status: 200 })): Promise<Receiver> {
  const received: Received[] = []
  const hanging: ServerResponse[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', async () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const entry: Received = { headers: request.headers, body, event: JSON.parse(body) as ReceivedEvent, status: 0 }
      received.push(entry)
      const decided = await answer(entry, received.length - 1)
      if (decided === 'hang') return void hanging.push(response)
      entry.status = decided.status
      response.writeHead(decided.status, decided.headers).end(decided.body ?? '')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const succeeded = () => received.filter((entry) => entry.status >= 200 && entry.status < 300)
  const waitFor = async (what: () => Received[], count: number, timeoutMs: number): Promise<Received[]> => {
    const deadline = Date.now() + timeoutMs
    while (what().length < count) {
      if (Date.now() > deadline) throw new Error(`receiver: ${what().length} of ${count} after ${timeoutMs} ms (${received.length} requests)`)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return what()
  }
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    succeeded,
    waitForSuccesses: (count, timeoutMs = 15_000) => waitFor(succeeded, count, timeoutMs),
    waitForRequests: (count, timeoutMs = 15_000) => waitFor(() => received, count, timeoutMs),
    close: async () => {
      for (const response of hanging) response.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Verifies a request's signature with the reference library; throws when it does not verify. */
export function verifySignature(secret: string, received: Received): void {
  new Webhook(secret).verify(received.body, {
    'webhook-id': String(received.headers['webhook-id']),
    'webhook-timestamp': String(received.headers['webhook-timestamp']),
    'webhook-signature': String(received.headers['webhook-signature']),
  })
}
