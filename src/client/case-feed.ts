// The case feed (GET /api/v1/cases): its query string, its pages, and a stream of cases that knows its cursor.

import type { CaseJson, CasePage, CaseQuery } from './types.js'

/**
 * Fetches one page of the feed, from `cursor` (the start when undefined).
 *
 * @example
 * const fetchPage: PageFetcher = (cursor) => client.casePage({ cursor })
 */
export type PageFetcher = (cursor: string | undefined) => Promise<CasePage>

/**
 * The path and query string of one page: `/api/v1/cases?status=…&assigned_to=…&updated_since=…&per_page=…&cursor=…`.
 *
 * @example
 * caseListPath({ status: 'OPEN', perPage: 50 }, undefined) // '/api/v1/cases?status=OPEN&per_page=50'
 */
export function caseListPath(query: CaseQuery, cursor: string | undefined): string {
  const params = new URLSearchParams()
  if (query.status !== undefined) params.set('status', query.status)
  if (query.assignedTo !== undefined) params.set('assigned_to', query.assignedTo)
  if (query.updatedSince !== undefined) {
    params.set('updated_since', query.updatedSince instanceof Date ? query.updatedSince.toISOString() : query.updatedSince)
  }
  if (query.perPage !== undefined) params.set('per_page', String(query.perPage))
  if (cursor !== undefined) params.set('cursor', cursor)
  const search = params.toString()
  return search === '' ? '/api/v1/cases' : `/api/v1/cases?${search}`
}

/**
 * A feed answer `{"data":[…],"next_cursor":"…","end_of_stream":…}` as a CasePage; undefined when it is not one.
 *
 * @example
 * toCasePage({ data: [], next_cursor: 'abc', end_of_stream: true }) // { data: [], nextCursor: 'abc', endOfStream: true }
 */
export function toCasePage(body: unknown): CasePage | undefined {
  const page = body as { data?: unknown; next_cursor?: unknown; end_of_stream?: unknown } | null
  if (typeof page !== 'object' || page === null || !Array.isArray(page.data)) return undefined
  if (typeof page.next_cursor !== 'string' || typeof page.end_of_stream !== 'boolean') return undefined
  return { data: page.data as CaseJson[], nextCursor: page.next_cursor, endOfStream: page.end_of_stream }
}

/**
 * Pages from `cursor` on, following `next_cursor` until a page says `end_of_stream`.
 *
 * @example
 * for await (const page of followCursor(fetchPage, storedCursor)) console.log(page.data.length)
 */
export async function* followCursor(fetchPage: PageFetcher, cursor: string | undefined): AsyncGenerator<CasePage> {
  for (;;) {
    const page = await fetchPage(cursor)
    yield page
    if (page.endOfStream) return
    cursor = page.nextCursor
  }
}

/**
 * The cases of the feed one by one, with `cursor`: the position after the last page whose cases
 * were all handed out. Save it when the loop ends (or after each case) and pass it to
 * `resumeFrom` later: every change is seen at least once, none is missed. Iterating the same
 * stream again continues from its cursor (new changes only).
 *
 * @example
 * const feed = client.resumeFrom(await loadCursor())
 * for await (const item of feed) await upsert(item)
 * await saveCursor(feed.cursor)
 */
export class CaseStream implements AsyncIterable<CaseJson> {
  #cursor: string | undefined
  readonly #fetchPage: PageFetcher

  constructor(fetchPage: PageFetcher, cursor: string | undefined) {
    this.#fetchPage = fetchPage
    this.#cursor = cursor
  }

  /** The cursor to resume from; undefined until a first page is handed out when started from the beginning. */
  get cursor(): string | undefined {
    return this.#cursor
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<CaseJson, void, undefined> {
    for await (const page of followCursor(this.#fetchPage, this.#cursor)) {
      for (const item of page.data) yield item
      // Reached only once the consumer asked for what follows the page's last case.
      this.#cursor = page.nextCursor
    }
  }
}
