// /board: the person's tenant's cases by phase, filtered by the URL (SPEC §7).

import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import { CARDS_PER_COLUMN, DEFAULT_CLOSED_DAYS, loadBoard, MAX_CARDS_PER_COLUMN, type BoardQuery } from '../../service/board.js'
import type { ServiceContext } from '../../service/context.js'
import { listUsers } from '../../service/users.js'
import { FirehouseError } from '../../domain/errors.js'
import { PHASES, type Phase } from '../../domain/status.js'
import { isFragmentRequest, sendHtml } from '../html.js'
import { personOf, viewerOf } from '../viewer.js'
import { BoardColumns, BoardPage, type BoardFilters } from '../views/board-page.js'

type BoardParams = Partial<Record<string, string | string[]>>

export const boardRoutes: FastifyPluginAsync<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get('/board', async (request, reply) => {
    const person = personOf(request)
    const params = request.query as BoardParams
    const query = parseBoardQuery(params)
    const board = await loadBoard(ctx, { tenantId: person.tenant.id, email: person.user.email }, query)
    const now = ctx.now()
    const moreHref = (phase: Phase) => moreUrl(request, phase, query.shown[phase])
    if (isFragmentRequest(request)) return sendHtml(reply, 200, BoardColumns({ board, moreHref, now }), 'fragment')
    const users = (await listUsers(ctx, person.tenant.slug)).filter((user) => user.active)
    const filters = filtersOf(params)
    return sendHtml(reply, 200, BoardPage({ viewer: viewerOf(request)!, board, filters, users, moreHref, now }))
  })
}

function single(params: BoardParams, name: string): string {
  const value = params[name]
  if (Array.isArray(value)) throw new FirehouseError('INVALID_ARGUMENT', `${name} is given twice`)
  return (value ?? '').trim().slice(0, 200)
}

function filtersOf(params: BoardParams): BoardFilters {
  return {
    assignee: single(params, 'assignee'),
    q: single(params, 'q'),
    npsMin: single(params, 'nps_min'),
    npsMax: single(params, 'nps_max'),
    closed: single(params, 'closed') || String(DEFAULT_CLOSED_DAYS),
  }
}

export function parseBoardQuery(params: BoardParams): BoardQuery {
  const filters = filtersOf(params)
  const shown = Object.fromEntries(
    PHASES.map((phase) => [phase, boundedInteger(params, `${phase.toLowerCase()}_shown`, CARDS_PER_COLUMN, MAX_CARDS_PER_COLUMN) ?? CARDS_PER_COLUMN]),
  ) as Record<Phase, number>
  return {
    assignee: filters.assignee || undefined,
    search: filters.q || undefined,
    npsMin: boundedInteger(params, 'nps_min', 0, 10),
    npsMax: boundedInteger(params, 'nps_max', 0, 10),
    closedDays: filters.closed === 'all' ? null : (boundedInteger(params, 'closed', 1, 3660) ?? DEFAULT_CLOSED_DAYS),
    shown,
  }
}

function boundedInteger(params: BoardParams, name: string, min: number, max: number): number | undefined {
  const raw = single(params, name)
  if (raw === '') return undefined
  const value = /^\d{1,6}$/.test(raw) ? Number(raw) : NaN
  if (!(value >= min && value <= max)) throw new FirehouseError('INVALID_ARGUMENT', `${name} must be a whole number from ${min} to ${max}`)
  return value
}

/** This view's URL with one more page of cards in one column. */
function moreUrl(request: FastifyRequest, phase: Phase, shown: number): string {
  const url = new URL(request.url, 'http://board.invalid')
  url.searchParams.set(`${phase.toLowerCase()}_shown`, String(Math.min(shown + CARDS_PER_COLUMN, MAX_CARDS_PER_COLUMN)))
  return `${url.pathname}${url.search}`
}
