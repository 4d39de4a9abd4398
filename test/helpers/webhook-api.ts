// Calls to /api/v1/webhooks for tests: create an endpoint, read its delivery log, wait for it to get somewhere.

import assert from 'node:assert/strict'
import { api, expectJson } from './api-v1.js'
import type { TestServer } from './server.js'

export interface Hook {
  id: string
  url: string
  events: string[]
  exclude_actors: string[]
  enabled: boolean
  disabled_reason: string | null
  secret: string
}

export interface Delivery {
  id: string
  event_id: string
  type: string
  number_customergauge: number | null
  status: string
  attempts: { at: string; http_status: number | null; error: string | null; duration_ms: number; response: string | null }[]
}

export function sendJson(server: TestServer, key: string, method: string, path: string, body?: unknown): Promise<Response> {
  return api(server, key, path, { method, body: body === undefined ? undefined : JSON.stringify(body), contentType: body === undefined ? undefined : 'application/json' })
}

export async function createHook(server: TestServer, key: string, body: Record<string, unknown>): Promise<Hook> {
  const response = await sendJson(server, key, 'POST', '/webhooks', body)
  const text = await response.text()
  assert.equal(response.status, 201, text)
  return JSON.parse(text) as Hook
}

export async function deliveriesOf(server: TestServer, key: string, hookId: string, query = ''): Promise<Delivery[]> {
  return (await expectJson<{ data: Delivery[] }>(await api(server, key, `/webhooks/${hookId}/deliveries${query}`))).data
}

/** Polls the delivery log until `done` holds of it. */
export async function waitForLog(server: TestServer, key: string, hookId: string, done: (log: Delivery[]) => boolean, timeoutMs = 15_000): Promise<Delivery[]> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const log = await deliveriesOf(server, key, hookId)
    if (done(log)) return log
    if (Date.now() > deadline) throw new Error(`delivery log never got there: ${JSON.stringify(log).slice(0, 1500)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

