// cg.closeLoop: CustomerGauge's v7 Close the Loop calls (SPEC §10): a case's status by PUT, and the feed by an integer cursor.

/**
 * A v7 status: the phase in lower case.
 *
 * @example
 * const status: CloseLoopStatus = 'progress'
 */
export type CloseLoopStatus = 'open' | 'progress' | 'closed'

/**
 * A case as v7 shows it, in `put`'s answer and in the feed.
 *
 * @example
 * const item: CloseLoopItem = { number_customergauge: 12, status: 'closed', note: 'Solved', assigned_to: null,
 *   updated_at: '2026-11-27 11:00:00', time_to_follow_up: 0, time_to_close: 1 }
 */
export interface CloseLoopItem {
  number_customergauge: number
  /** The phase in lower case; an extended status shows as its phase. */
  status: CloseLoopStatus
  /** The comment of the case's latest history entry that has one, else null. */
  note: string | null
  assigned_to: string | null
  /** When the latest change was recorded: `YYYY-MM-DD HH:MM:SS`, UTC. */
  updated_at: string
  /** Whole hours from opened to followed up, rounded down; null until followed up. */
  time_to_follow_up: number | null
  /** Whole hours from opened to closed, rounded down; null until closed. */
  time_to_close: number | null
}

/**
 * One page of the feed.
 *
 * @example
 * const { data, cursor }: CloseLoopPage = await cg.closeLoop.sync({ cursor: saved })
 */
export interface CloseLoopPage {
  data: CloseLoopItem[]
  /** Where to resume: the last case's place in the change sequence, or the cursor sent when `data` is empty. */
  cursor: number
}

/**
 * A status change (`cg.closeLoop.put`).
 *
 * @example
 * const input: CloseLoopStatusInput = { numberCustomergauge: 12, status: 'closed', note: 'Solved the issue' }
 */
export interface CloseLoopStatusInput {
  /** The CG-ID: a number, or a string of digits. */
  numberCustomergauge: number | string
  /** Sets the tenant's base status of the phase. */
  status: CloseLoopStatus
  /** The change's comment. */
  note?: string
  /**
   * When the change happened: a Date (sent as `YYYY-MM-DD HH:MM:SS` in UTC, its milliseconds
   * dropped), or such a string. Not more than 60 s ahead of the server, nor before the case's latest entry (400207).
   */
  happenedAt?: string | Date
  /** Sent on every attempt of this call; default: a fresh random UUID per call, so a retry never applies twice. */
  idempotencyKey?: string
  /** The case's `version` this change is based on: a case changed since rejects with code 400206 (HTTP 409). */
  ifMatch?: number
  signal?: AbortSignal
}

/**
 * Where the feed starts and what it holds (`cg.closeLoop.sync`, `cg.closeLoop.items`).
 *
 * @example
 * const query: CloseLoopQuery = { cursor: 1200, perPage: 500, start: '2026-11-01', end: new Date() }
 */
export interface CloseLoopQuery {
  /** A `cursor` of an earlier page; absent: from the start. */
  cursor?: number
  /** 1–1000; the server's default is 100. */
  perPage?: number
  /** Only cases updated on this UTC day or later: `YYYY-MM-DD`, or a Date (its UTC day). */
  start?: string | Date
  /** Only cases updated on this UTC day (all of it) or earlier. */
  end?: string | Date
  signal?: AbortSignal
}

/** How WorkflowClient sends one v7 request (the path after `/v7/rest`), with retries. */
export type CloseLoopCall = (
  request: { method: 'GET' | 'PUT'; path: string; body?: unknown; headers?: Record<string, string> },
  signal: AbortSignal | undefined,
) => Promise<unknown>

/**
 * The v7 Close the Loop calls of a WorkflowClient (`cg.closeLoop`).
 *
 * @example
 * await cg.closeLoop.put({ numberCustomergauge: 12, status: 'closed', note: 'Solved the issue' })
 * const feed = cg.closeLoop.items({ cursor: await loadCursor() })
 * for await (const item of feed) await upsert(item)
 * await saveCursor(feed.cursor)
 */
export class CloseLoopApi {
  readonly #call: CloseLoopCall

  constructor(call: CloseLoopCall) {
    this.#call = call
  }

  /**
   * PUT /v7/rest/close-loop/status: sets the case's status (creating the case on the first call)
   * and answers the case after the change. One Idempotency-Key is sent on every attempt.
   *
   * @example
   * const item = await cg.closeLoop.put({ numberCustomergauge: 12, status: 'progress', note: 'Called back' })
   */
  async put(input: CloseLoopStatusInput): Promise<CloseLoopItem> {
    const headers: Record<string, string> = { 'idempotency-key': input.idempotencyKey ?? globalThis.crypto.randomUUID() }
    if (input.ifMatch !== undefined && input.ifMatch !== null) {
      if (!Number.isSafeInteger(input.ifMatch) || input.ifMatch < 0) throw new TypeError("closeLoop.put: ifMatch must be a non-negative integer (a case's version)")
      headers['if-match'] = `"${input.ifMatch}"`
    }
    const answer = (await this.#call({ method: 'PUT', path: '/close-loop/status', body: statusBody(input), headers }, input.signal)) as { data: CloseLoopItem }
    return answer.data
  }

  /**
   * GET /v7/rest/sync/close-loop: one page of the feed after `query.cursor` (or from the start).
   *
   * @example
   * const page = await cg.closeLoop.sync({ cursor: 0, perPage: 500 })
   * if (page.data.length === 0) console.log('caught up at', page.cursor)
   */
  async sync(query: CloseLoopQuery = {}): Promise<CloseLoopPage> {
    return (await this.#call({ method: 'GET', path: `/sync/close-loop${syncQuery(query)}` }, query.signal)) as CloseLoopPage
  }

  /**
   * The feed case by case until a page comes back empty; `cursor` of the result is where to resume later.
   *
   * @example
   * const feed = cg.closeLoop.items({ start: '2026-11-01' })
   * for await (const item of feed) console.log(item.number_customergauge, item.status)
   * await saveCursor(feed.cursor)
   */
  items(query: CloseLoopQuery = {}): CloseLoopStream {
    return new CloseLoopStream((cursor) => this.sync({ ...query, cursor }), query.cursor)
  }
}

/**
 * The feed's cases one by one, reading pages until an empty one. `cursor` is the position after
 * the last page all of whose cases were handed out: save it and pass it as `cursor` later.
 *
 * @example
 * const feed = cg.closeLoop.items()
 * for await (const item of feed) await upsert(item)
 * await saveCursor(feed.cursor)
 */
export class CloseLoopStream implements AsyncIterable<CloseLoopItem> {
  #cursor: number | undefined
  readonly #fetchPage: (cursor: number | undefined) => Promise<CloseLoopPage>

  constructor(fetchPage: (cursor: number | undefined) => Promise<CloseLoopPage>, cursor: number | undefined) {
    this.#fetchPage = fetchPage
    this.#cursor = cursor
  }

  /** The cursor to resume from; undefined until a first page is read when started from the beginning. */
  get cursor(): number | undefined {
    return this.#cursor
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<CloseLoopItem, void, undefined> {
    for (;;) {
      const page = await this.#fetchPage(this.#cursor)
      for (const item of page.data) yield item
      // Reached only once the consumer asked for what follows the page's last case.
      this.#cursor = page.cursor
      if (page.data.length === 0) return
    }
  }
}

/** The PUT's JSON body, absent fields left out. */
function statusBody(input: CloseLoopStatusInput): Record<string, unknown> {
  if (typeof input !== 'object' || input === null) throw new TypeError('closeLoop.put: input must be an object')
  const { numberCustomergauge: cgid } = input
  if (typeof cgid !== 'number' && typeof cgid !== 'string') throw new TypeError('closeLoop.put: numberCustomergauge must be a number or a string')
  const body: Record<string, unknown> = { number_customergauge: cgid, status: input.status }
  if (input.note !== undefined && input.note !== null) body.note = input.note
  if (input.happenedAt instanceof Date) body.happened_at = v7DateTime(input.happenedAt, 'happenedAt')
  else if (input.happenedAt !== undefined && input.happenedAt !== null) body.happened_at = input.happenedAt
  return body
}

/** The feed's query string, parameters in the documented order. */
function syncQuery(query: CloseLoopQuery): string {
  const params = new URLSearchParams()
  if (query.perPage !== undefined) params.set('per_page', String(query.perPage))
  if (query.cursor !== undefined) params.set('cursor', String(query.cursor))
  if (query.start !== undefined) params.set('updated_at[start]', query.start instanceof Date ? v7DateTime(query.start, 'start').slice(0, 10) : query.start)
  if (query.end !== undefined) params.set('updated_at[end]', query.end instanceof Date ? v7DateTime(query.end, 'end').slice(0, 10) : query.end)
  const search = params.toString()
  return search === '' ? '' : `?${search}`
}

/** A Date as v7 writes one: `YYYY-MM-DD HH:MM:SS`, UTC. */
function v7DateTime(date: Date, name: string): string {
  if (Number.isNaN(date.getTime())) throw new TypeError(`closeLoop: ${name} is an invalid Date`)
  const iso = date.toISOString()
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}`
}
