// Calls to the native API (/api/v1) over real HTTP, and the checks every answer of it must pass.

import assert from 'node:assert/strict'
import type { CaseJson } from '../../src/service/case-view.js'
import type { RecordJson } from '../../src/service/record-view.js'
import { SPEC_HTTP_STATUS, assertNoLeak, expectError, type TestServer } from './server.js'

export interface FeedPage {
  data: CaseJson[]
  next_cursor: string
  end_of_stream: boolean
}

export interface ImportAnswer {
  imported: number
  updated: number
  opened: number
}

/** The HTTP status of a code on /api/v1: the v4.1 one, but a missing record is 404 (SPEC §5). */
export function apiStatusOf(code: number): number {
  return code === 400200 ? 404 : SPEC_HTTP_STATUS[code]!
}

/** Sends a request to /api/v1 (`path` starts after the prefix); `key: undefined` sends none. */
export function api(
  server: Pick<TestServer, 'url'>,
  key: string | undefined,
  path: string,
  init: { method?: string; body?: BodyInit; contentType?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { ...init.headers }
  if (key !== undefined) headers.authorization = `api_key ${key}`
  if (init.contentType) headers['content-type'] = init.contentType
  return fetch(`${server.url}/api/v1${path}`, { method: init.method ?? 'GET', headers, body: init.body })
}

/** Asserts a 200 JSON answer without leaks and returns its parsed body. */
export async function expectJson<T>(response: Response): Promise<T> {
  const text = await response.text()
  assertNoLeak(text)
  assert.equal(response.status, 200, `expected HTTP 200, got ${response.status}: ${text.slice(0, 300)}`)
  assert.equal(response.headers.get('content-type'), 'application/json; charset=utf-8')
  return JSON.parse(text) as T
}

/** Asserts an /api/v1 error answer (the JSON envelope, the code and its REST status); returns the Message. */
export function expectApiError(response: Response, code: number): Promise<string> {
  return expectError(response, apiStatusOf(code), code, 'json')
}

export async function getCase(server: Pick<TestServer, 'url'>, key: string, cgid: number): Promise<CaseJson> {
  return expectJson<CaseJson>(await api(server, key, `/cases/${cgid}`))
}

export async function getRecord(server: Pick<TestServer, 'url'>, key: string, cgid: number): Promise<RecordJson> {
  return expectJson<RecordJson>(await api(server, key, `/records/${cgid}`))
}

/** One page of the feed; `query` is a query string without '?'. */
export async function getFeed(server: Pick<TestServer, 'url'>, key: string, query = ''): Promise<FeedPage> {
  return expectJson<FeedPage>(await api(server, key, `/cases${query ? `?${query}` : ''}`))
}

/** Pages the feed from `cursor` (or the start) to end_of_stream; returns every page and the last cursor. */
export async function readToEnd(
  server: Pick<TestServer, 'url'>,
  key: string,
  options: { cursor?: string; perPage?: number; filters?: Record<string, string> } = {},
): Promise<{ pages: FeedPage[]; cursor: string }> {
  const pages: FeedPage[] = []
  let cursor = options.cursor
  for (;;) {
    const query = new URLSearchParams({ ...options.filters, ...(options.perPage ? { per_page: String(options.perPage) } : {}) })
    if (cursor !== undefined) query.set('cursor', cursor)
    const page = await getFeed(server, key, query.toString())
    pages.push(page)
    cursor = page.next_cursor
    if (page.end_of_stream) return { pages, cursor }
    assert.ok(pages.length < 10_000, 'the feed never ends')
  }
}

/** POSTs a records file to /api/v1/records. */
export function importFile(
  server: Pick<TestServer, 'url'>,
  key: string,
  body: BodyInit,
  contentType: string,
): Promise<Response> {
  return api(server, key, '/records', { method: 'POST', body, contentType })
}
