// Use cases of the board (SPEC §7): the three columns with their counts, and the change sequence it polls.

import { FirehouseError } from '../domain/errors.js'
import { slaBadge, type SlaBadge } from '../domain/sla.js'
import { PHASES, type Phase } from '../domain/status.js'
import { countBoardCards, listBoardCards, type BoardCardRow, type BoardFilter } from '../store/board.js'
import { findTenantById, readChangeSeq } from '../store/tenants.js'
import type { ServiceContext } from './context.js'
import { slaTargetsOf } from './tenants.js'
import { withDatabase } from './transaction.js'

export const CARDS_PER_COLUMN = 50
export const MAX_CARDS_PER_COLUMN = 1000
export const DEFAULT_CLOSED_DAYS = 30

export interface BoardQuery {
  /** undefined: anyone; 'me', 'unassigned', or a user's e-mail. */
  assignee?: string
  search?: string
  npsMin?: number
  npsMax?: number
  /** Days of closed cases to show; null: all of them. */
  closedDays: number | null
  /** How many cards each column shows. */
  shown: Record<Phase, number>
}

export interface BoardCard extends BoardCardRow {
  sla: SlaBadge
}

export interface BoardColumn {
  phase: Phase
  count: number
  cards: BoardCard[]
}

export interface Board {
  columns: BoardColumn[]
  /** The tenant's change sequence when read: the live refresh compares it with /live. */
  seq: number
}

/** The board of the person's tenant: every column's count of matching cases, and its newest cards. */
export async function loadBoard(ctx: ServiceContext, person: { tenantId: string; email: string }, query: BoardQuery): Promise<Board> {
  const filter = toFilter(ctx, person.email, query)
  return withDatabase(ctx, async (db) => {
    // Read first: a change landing while the columns are read shows up at the next poll, never missed.
    const tenant = await findTenantById(db, person.tenantId)
    const seq = tenant.change_seq
    const now = ctx.now()
    const columns = await Promise.all(
      PHASES.map(async (phase) => {
        // The count first: it decides how the column's cards are read (listBoardCards).
        const count = await countBoardCards(db, person.tenantId, phase, filter)
        const column = { tenantId: person.tenantId, phase, filter, limit: query.shown[phase] }
        const rows = await listBoardCards(db, ctx.store.dialect.name, column, count)
        const cards = rows.map((row) => ({ ...row, sla: slaBadge(slaTimes(row), slaTargetsOf(tenant), now) }))
        return { phase, count, cards }
      }),
    )
    return { columns, seq }
  })
}

function slaTimes(row: BoardCardRow) {
  return { phase: row.status as Phase, openedAt: row.opened_at, followedUpAt: row.followed_up_at, closedAt: row.closed_at }
}

function toFilter(ctx: ServiceContext, email: string, query: BoardQuery): BoardFilter {
  if (query.npsMin !== undefined && query.npsMax !== undefined && query.npsMin > query.npsMax) {
    throw new FirehouseError('INVALID_ARGUMENT', 'The NPS range goes from a lower to a higher score')
  }
  const assignee =
    query.assignee === undefined ? undefined : query.assignee === 'me' ? email.toLowerCase() : query.assignee === 'unassigned' ? null : query.assignee.toLowerCase()
  const closedSince =
    query.closedDays === null ? undefined : new Date(ctx.now().getTime() - query.closedDays * 24 * 3_600_000).toISOString()
  return { assignee, search: query.search, npsMin: query.npsMin, npsMax: query.npsMax, closedSince }
}

export async function changeSequence(ctx: ServiceContext, tenantId: string): Promise<number> {
  return withDatabase(ctx, (db) => readChangeSeq(db, tenantId))
}
