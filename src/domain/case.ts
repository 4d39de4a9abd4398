// A case and its history: applyChange is the one rule for how a change moves a case on.

import type { CaseStatus } from './status.js'

/** The state of a case, as the domain sees it (times are ISO 8601 strings). */
export interface CaseState {
  status: CaseStatus
  assignedTo: string | null
  openedAt: string
  followedUpAt: string | null
  closedAt: string | null
  updatedAt: string
  /** How many history entries the case has: the next entry's seq is this plus one. */
  historyCount: number
}

/** What one successful call asks for; an absent field leaves that part unchanged. */
export interface CaseChange {
  status?: CaseStatus
  /** null clears the assignee (the board can; v4.1 cannot). */
  assignedTo?: string | null
  comment?: string
  actor: string
}

/** One history entry: the values before and after the call, equal when unchanged. */
export interface HistoryEntry {
  seq: number
  at: string
  actor: string
  statusFrom: CaseStatus | null
  statusTo: CaseStatus
  assignedFrom: string | null
  assignedTo: string | null
  comment: string | null
}

const OPENED: CaseStatus = { phase: 'OPEN', code: null, label: 'OPEN' }

/**
 * Applies one change to a case (null: the case does not exist yet and is created) and returns
 * the next state and the history entry that records it. Pure: the clock is passed in.
 */
export function applyChange(
  current: CaseState | null,
  change: CaseChange,
  now: string,
  defaultStatus: CaseStatus = OPENED,
): { next: CaseState; entry: HistoryEntry } {
  const statusTo = change.status ?? current?.status ?? defaultStatus
  const assignedTo = change.assignedTo === undefined ? (current?.assignedTo ?? null) : change.assignedTo
  const timings = nextTimings(current, statusTo, now)
  const next: CaseState = {
    status: statusTo,
    assignedTo,
    openedAt: current?.openedAt ?? now,
    ...timings,
    updatedAt: now,
    historyCount: (current?.historyCount ?? 0) + 1,
  }
  const entry: HistoryEntry = {
    seq: next.historyCount,
    at: now,
    actor: change.actor,
    statusFrom: current?.status ?? null,
    statusTo,
    assignedFrom: current?.assignedTo ?? null,
    assignedTo,
    comment: change.comment ?? null,
  }
  return { next, entry }
}

/**
 * The SPEC §1 timing rules: followed_up_at is set when the case first leaves OPEN, closed_at
 * when it enters CLOSED; re-opening clears both, CLOSED -> PROGRESS clears closed_at only.
 */
function nextTimings(
  current: CaseState | null,
  statusTo: CaseStatus,
  now: string,
): Pick<CaseState, 'followedUpAt' | 'closedAt'> {
  const followedUpAt = current?.followedUpAt ?? null
  const closedAt = current?.closedAt ?? null
  switch (statusTo.phase) {
    case 'OPEN':
      return { followedUpAt: null, closedAt: null }
    case 'PROGRESS':
      return { followedUpAt: followedUpAt ?? now, closedAt: null }
    case 'CLOSED':
      return { followedUpAt: followedUpAt ?? now, closedAt: closedAt ?? now }
  }
}

/** Seconds from one ISO 8601 instant to another (the SLA timings of a case). */
export function secondsBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 1000
}
