// Calls to v7 Close the Loop (/v7/rest) over real HTTP.

import assert from 'node:assert/strict'
import type { CloseLoopItem, CloseLoopPage } from '../../src/service/close-loop.js'
import { expectJson } from './api-v1.js'
import type { TestServer } from './server.js'

/** PUT /v7/rest/close-loop/status with a JSON body (an object is stringified; a string is sent as is). */
export function putStatus(
  server: Pick<TestServer, 'url'>,
  key: string | undefined,
  body: unknown,
  options: { contentType?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json', ...options.headers }
  if (key !== undefined) headers.authorization = `api_key ${key}`
  return fetch(`${server.url}/v7/rest/close-loop/status`, { method: 'PUT', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })
}

/** A PUT that must succeed: its item. */
export async function putOk(server: Pick<TestServer, 'url'>, key: string, body: unknown, headers?: Record<string, string>): Promise<CloseLoopItem> {
  const answer = await expectJson<{ data: CloseLoopItem }>(await putStatus(server, key, body, { headers }))
  assert.deepEqual(Object.keys(answer), ['data'])
  return answer.data
}

/** GET /v7/rest/sync/close-loop; `query` without '?'. */
export function syncRequest(server: Pick<TestServer, 'url'>, key: string | undefined, query = ''): Promise<Response> {
  const headers: Record<string, string> = key === undefined ? {} : { authorization: `api_key ${key}` }
  return fetch(`${server.url}/v7/rest/sync/close-loop${query ? `?${query}` : ''}`, { headers })
}

export async function syncPage(server: Pick<TestServer, 'url'>, key: string, query = ''): Promise<CloseLoopPage> {
  return expectJson<CloseLoopPage>(await syncRequest(server, key, query))
}

/** Every page from `cursor` (or the start) to the first empty one. */
export async function syncToEnd(server: Pick<TestServer, 'url'>, key: string, query: Record<string, string> = {}, cursor?: number): Promise<{ items: CloseLoopItem[]; cursor: number }> {
  const items: CloseLoopItem[] = []
  for (let pages = 0; ; pages++) {
    assert.ok(pages < 10_000, 'the feed never ends')
    const params = new URLSearchParams(query)
    if (cursor !== undefined) params.set('cursor', String(cursor))
    const page = await syncPage(server, key, params.toString())
    if (page.data.length === 0) return { items, cursor: page.cursor }
    items.push(...page.data)
    cursor = page.cursor
  }
}
