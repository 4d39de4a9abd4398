// The board (SPEC §7): filters, then one region per phase with its count, cards and Show more.

import type { Board, BoardCard, BoardColumn } from '../../service/board.js'
import type { Phase } from '../../domain/status.js'
import type { UserInfo } from '../../service/users.js'
import { Layout, type Viewer } from './layout.js'
import { ageWords } from './time-words.js'

export const PHASE_NAMES: Record<Phase, string> = { OPEN: 'Open', PROGRESS: 'In progress', CLOSED: 'Closed' }

export interface BoardFilters {
  assignee: string
  q: string
  npsMin: string
  npsMax: string
  closed: string
}

export interface BoardPageProps {
  viewer: Viewer
  board: Board
  filters: BoardFilters
  users: UserInfo[]
  /** The URL of this view with one column showing more cards. */
  moreHref: (phase: Phase) => string
  now: Date
}

export function BoardPage(props: BoardPageProps) {
  return (
    <Layout title="Board" viewer={props.viewer} current="board" scripts={['live.js']}>
      <h1>Board</h1>
      <Filters filters={props.filters} users={props.users} />
      <BoardColumns {...props} />
      <p id="live-status" class="visually-hidden" role="status" aria-live="polite"></p>
    </Layout>
  )
}

/** The part the live refresh replaces: every column, with the sequence it was read at. */
export function BoardColumns({ board, moreHref, now }: Pick<BoardPageProps, 'board' | 'moreHref' | 'now'>) {
  return (
    <div id="live-region" class="columns" data-live-seq={String(board.seq)}>
      {board.columns.map((column) => (
        <Column column={column} moreHref={moreHref(column.phase)} now={now} />
      ))}
    </div>
  )
}

function Column({ column, moreHref, now }: { column: BoardColumn; moreHref: string; now: Date }) {
  const name = PHASE_NAMES[column.phase]
  const headingId = `column-${column.phase.toLowerCase()}`
  return (
    <section class={`column phase-${column.phase.toLowerCase()}`} aria-label={name}>
      <h2 id={headingId}>
        {name} <span class="count">{column.count}</span>
      </h2>
      {column.cards.length === 0 ? (
        <p class="muted">No cases</p>
      ) : (
        <ul class="cards" aria-labelledby={headingId}>
          {column.cards.map((card) => (
            <li>
              <Card card={card} now={now} />
            </li>
          ))}
        </ul>
      )}
      {column.count > column.cards.length && (
        <a class="more" href={moreHref}>
          Show more
        </a>
      )}
    </section>
  )
}

function Card({ card, now }: { card: BoardCard; now: Date }) {
  const customer = [card.first_name, card.last_name].filter(Boolean).join(' ') || card.email || 'Unknown customer'
  return (
    <a class="card" id={`case-${card.number_customergauge}`} href={`/cases/${card.number_customergauge}`}>
      <span class="card-title">Case {card.number_customergauge}</span>
      <span class="card-line">
        NPS {card.nps ?? '–'} · {customer}
        {card.account ? ` · ${card.account}` : ''}
      </span>
      <span class="card-line">
        {card.status_label !== card.status ? `${card.status_label} · ` : ''}
        {card.assigned_to ?? 'Unassigned'} · {ageWords(card.opened_at, now)} old
      </span>
      <span class={`badge sla-${card.sla.state}`}>SLA: {card.sla.text}</span>
    </a>
  )
}

function Filters({ filters, users }: { filters: BoardFilters; users: UserInfo[] }) {
  return (
    <form method="get" action="/board" class="filters" role="search" aria-label="Filter cases">
      <div>
        <label for="f-assignee">Assignee</label>
        <select id="f-assignee" name="assignee">
          <option value="" selected={filters.assignee === ''}>Anyone</option>
          <option value="me" selected={filters.assignee === 'me'}>Me</option>
          <option value="unassigned" selected={filters.assignee === 'unassigned'}>Unassigned</option>
          {users.map((user) => (
            <option value={user.email} selected={filters.assignee.toLowerCase() === user.email.toLowerCase()}>
              {user.name ? `${user.name} (${user.email})` : user.email}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label for="f-q">Search</label>
        <input id="f-q" name="q" type="search" value={filters.q} placeholder="CG-ID, name, e-mail…" />
      </div>
      <div>
        <label for="f-nps-min">NPS from</label>
        <input id="f-nps-min" name="nps_min" type="number" min="0" max="10" value={filters.npsMin} />
      </div>
      <div>
        <label for="f-nps-max">NPS to</label>
        <input id="f-nps-max" name="nps_max" type="number" min="0" max="10" value={filters.npsMax} />
      </div>
      <div>
        <label for="f-closed">Closed in</label>
        <select id="f-closed" name="closed">
          {[
            ['30', 'the last 30 days'],
            ['90', 'the last 90 days'],
            ['365', 'the last year'],
            ['all', 'any time'],
          ].map(([value, label]) => (
            <option value={value} selected={filters.closed === value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <button type="submit">Filter</button>
    </form>
  )
}
