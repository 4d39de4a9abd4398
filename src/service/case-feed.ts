// Use case: the sync feed — a tenant's cases in change order, paged by an opaque cursor (SPEC §5).

import { parseIsoDateTime } from '../domain/date-time.js'
import { FirehouseError } from '../domain/errors.js'
import { standardPhase } from '../domain/status.js'
import { listCaseChanges, listHistories } from '../store/case-reads.js'
import { toCaseJson, type CaseJson } from './case-view.js'
import type { ServiceContext } from './context.js'
import { cursorSigner } from './feed-cursor.js'
import { withDatabase } from './transaction.js'

export const MIN_PER_PAGE = 1
export const MAX_PER_PAGE = 1000
export const DEFAULT_PER_PAGE = 100

export interface CaseFeedRequest {
  status?: string
  assignedTo?: string
  updatedSince?: string
  perPage?: number
  cursor?: string
}

export interface CaseFeedPage {
  data: CaseJson[]
  /** Always present: where to resume, now or later. */
  next_cursor: string
  /** True when the page reached the newest change: the client has caught up. */
  end_of_stream: boolean
}

/**
 * One page of the feed. Changes commit in sequence order (the tenant's write lock), so resuming
 * after the last sequence seen never misses one; a case changed again moves further on.
 */
export async function listCases(ctx: ServiceContext, tenantId: string, request: CaseFeedRequest): Promise<CaseFeedPage> {
  const perPage = request.perPage ?? DEFAULT_PER_PAGE
  if (!Number.isInteger(perPage) || perPage < MIN_PER_PAGE || perPage > MAX_PER_PAGE) {
    throw new FirehouseError('INVALID_ARGUMENT', `Invalid argument: per_page must be an integer from ${MIN_PER_PAGE} to ${MAX_PER_PAGE}`)
  }
  const query = {
    phase: request.status === undefined ? undefined : parsePhase(request.status),
    assignedTo: request.assignedTo?.trim().toLowerCase(),
    updatedSince: request.updatedSince === undefined ? undefined : parseInstant(request.updatedSince, 'updated_since'),
  }
  const scope = { tenantId, filters: JSON.stringify([query.phase ?? null, query.assignedTo ?? null, query.updatedSince ?? null]) }
  const cursors = await cursorSigner(ctx)
  const afterSeq = request.cursor === undefined ? 0 : cursors.decode(request.cursor, scope)
  return withDatabase(ctx, async (db) => {
    const rows = await listCaseChanges(db, ctx.store.dialect.name, tenantId, { ...query, afterSeq, limit: perPage + 1 })
    const page = rows.slice(0, perPage)
    const histories = await listHistories(db, tenantId, page.map((row) => row.number_customergauge))
    const lastSeq = page.at(-1)?.change_seq ?? afterSeq
    return {
      data: page.map((row) => toCaseJson(row.number_customergauge, row, histories.get(row.number_customergauge) ?? [])),
      next_cursor: cursors.encode(Number(lastSeq), scope),
      end_of_stream: rows.length <= perPage,
    }
  })
}

function parsePhase(status: string): string {
  const phase = standardPhase(status)
  if (!phase) throw new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: status must be OPEN, PROGRESS or CLOSED')
  return phase
}

/**
 * An ISO 8601 date or date-time (a day that exists; UTC unless it gives an offset), as the UTC
 * string with milliseconds the store compares against.
 */
export function parseInstant(value: string, name: string): string {
  const parsed = parseIsoDateTime(value.trim())
  if (parsed === undefined) throw new FirehouseError('INVALID_ARGUMENT', `Invalid argument: ${name} must be an ISO 8601 date-time`)
  return new Date(parsed.epochMs).toISOString()
}
