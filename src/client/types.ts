// The shapes the client sends and returns: the workflow call's input and result, and the SPEC §4 case.

/**
 * The phases of a case. A copy of src/domain/status.ts's list: the client imports no server code.
 *
 * @example
 * PHASES.includes('CLOSED') // true
 */
export const PHASES = ['OPEN', 'PROGRESS', 'CLOSED'] as const

/**
 * A case's phase.
 *
 * @example
 * const phase: Phase = 'PROGRESS'
 */
export type Phase = (typeof PHASES)[number]

/**
 * The v4.1 workflow call (`updateWorkflow`). Absent fields are not sent.
 *
 * @example
 * const input: UpdateWorkflowInput = { numberCustomergauge: 12, status: 'CLOSE', comment: 'Solved the issue' }
 */
export interface UpdateWorkflowInput {
  /** The CG-ID: a number, or a string of digits (sent as is; the server validates it). */
  numberCustomergauge: number | string
  /** OPEN, IN-PROGRESS / PROGRESS, CLOSED / CLOSE, or an extended code or label. */
  status?: string
  comment?: string
  /** E-mail of an active user of the tenant. */
  assignedTo?: string
  /**
   * When the change happened, to back-date it (SPEC §9): a Date (sent as its ISO string), or a
   * string in ISO 8601 with `Z` or an offset, or `YYYY-MM-DD HH:MM:SS` in UTC. At most 60 s
   * ahead of the server's clock and not before the case's latest entry, else 400207.
   *
   * @example
   * await cg.updateWorkflow({ numberCustomergauge: 12, status: 'CLOSE', happenedAt: new Date('2026-11-27T10:00:00Z') })
   */
  happenedAt?: string | Date
  /** Sent on every attempt of this call; default: a fresh random UUID per call. */
  idempotencyKey?: string
  /**
   * The case's `version` this change is based on (from `getCase` or the feed), sent as
   * `If-Match: "<version>"`: if the case changed since, nothing is written and the call rejects
   * with code 400206 (HTTP 409), not retried. Firehouse only.
   */
  ifMatch?: number
  /** Aborts the call: the request in flight or the wait between attempts. */
  signal?: AbortSignal
}

/**
 * What a successful workflow call answers.
 *
 * @example
 * const result: UpdateWorkflowResult = { numberCustomergauge: 12 }
 */
export interface UpdateWorkflowResult {
  numberCustomergauge: number
}

/**
 * One entry of a case's history (SPEC §4), oldest first.
 *
 * @example
 * const entry: HistoryEntry = { seq: 1, at: '2026-11-27T10:00:00.000Z', happened_at: '2026-11-27T10:00:00.000Z', actor: 'key:…', status_from: null,
 *   status_to: 'OPEN', assigned_from: null, assigned_to: null, comment: null }
 */
export interface HistoryEntry {
  seq: number
  /** When the change was recorded. */
  at: string
  /** When it happened: `at`, unless the call was back-dated (`happenedAt`). */
  happened_at: string
  /** `key:<key id>`, or `import` for a case an import opened. */
  actor: string
  status_from: Phase | null
  status_to: Phase
  /** Firehouse addition: the extended label (or the phase) before and after. */
  status_label_from?: string | null
  status_label_to?: string
  assigned_from: string | null
  assigned_to: string | null
  comment: string | null
}

/**
 * A case as every read surface shows it (SPEC §4). A record without a case yet has
 * `status: null` and an empty history.
 *
 * @example
 * const open = (c: CaseJson) => c.status === 'OPEN' && c.assigned_to === null
 */
export interface CaseJson {
  number_customergauge: number
  status: Phase | null
  status_code: number | null
  status_label: string | null
  assigned_to: string | null
  opened_at: string | null
  followed_up_at: string | null
  closed_at: string | null
  updated_at: string | null
  /** Firehouse addition: seconds from opened to followed up, or null. */
  time_to_follow_up_s?: number | null
  /** Firehouse addition: seconds from opened to closed, or null. */
  time_to_close_s?: number | null
  /** The number of history entries (0 without a case): pass it as `ifMatch` to change the case only if it has not changed since. */
  version: number
  history: HistoryEntry[]
}

/**
 * Filters and position of the case feed (`cases`, `casePages`, `resumeFrom`). A cursor only
 * works with the filters it was issued for.
 *
 * @example
 * const query: CaseQuery = { status: 'OPEN', updatedSince: new Date('2026-11-01'), perPage: 500 }
 */
export interface CaseQuery {
  status?: Phase
  assignedTo?: string
  updatedSince?: Date | string
  /** 1–1000; the server's default is 100. */
  perPage?: number
  /** Where to start: a `next_cursor` stored earlier. */
  cursor?: string
  signal?: AbortSignal
}

/**
 * One page of the case feed.
 *
 * @example
 * for await (const page of client.casePages()) await save(page.data, page.nextCursor)
 */
export interface CasePage {
  data: CaseJson[]
  /** Always present: resume here, now or later. */
  nextCursor: string
  /** True when this page reached the newest change. */
  endOfStream: boolean
}

/**
 * Options of a single read.
 *
 * @example
 * await client.getCase(12, { signal: AbortSignal.timeout(5_000) })
 */
export interface ReadOptions {
  signal?: AbortSignal
}
