// A case and its history: applyChange is the one rule for how a change moves a case on.

import { defaultHappenedAt } from './happened-at.js'
import type { CaseStatus } from './status.js'

/** The state of a case, as the domain sees it (times are ISO 8601 strings). */
export interface CaseState {
  status: CaseStatus
  assignedTo: string | null
  openedAt: string
  followedUpAt: string | null
  closedAt: string | null
  /** When the latest change was recorded (the feeds go by it). */
  updatedAt: string
  /** When the latest change happened: its entry's happened_at (SPEC §9 "Back-dating"). */
  happenedAt: string
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
  /** When the change happened, as checked (checkHappenedAt); absent: the later of now and the latest entry's. */
  happenedAt?: string
}

/** One history entry: the values before and after the call, equal when unchanged. */
export interface HistoryEntry {
  seq: number
  /** When it was recorded. */
  at: string
  /** When it happened: the case's opened/followed-up/closed times are these. */
  happenedAt: string
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
 * the next state and the history entry that records it. Pure: the clock is passed in. `now` is
 * when the change is recorded (`at`, `updated_at`); the case's timings take when it happened.
 */
export function applyChange(
  current: CaseState | null,
  change: CaseChange,
  now: string,
  defaultStatus: CaseStatus = OPENED,
): { next: CaseState; entry: HistoryEntry } {
  const statusTo = change.status ?? current?.status ?? defaultStatus
  const assignedTo = change.assignedTo === undefined ? (current?.assignedTo ?? null) : change.assignedTo
  const happenedAt = change.happenedAt ?? defaultHappenedAt(now, current?.happenedAt ?? null)
  const timings = nextTimings(current, statusTo, happenedAt)
  const next: CaseState = {
    status: statusTo,
    assignedTo,
    openedAt: current?.openedAt ?? happenedAt,
    ...timings,
    updatedAt: now,
    happenedAt,
    historyCount: (current?.historyCount ?? 0) + 1,
  }
  const entry: HistoryEntry = {
    seq: next.historyCount,
    at: now,
    happenedAt,
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
  happenedAt: string,
): Pick<CaseState, 'followedUpAt' | 'closedAt'> {
  const followedUpAt = current?.followedUpAt ?? null
  const closedAt = current?.closedAt ?? null
  switch (statusTo.phase) {
    case 'OPEN':
      return { followedUpAt: null, closedAt: null }
    case 'PROGRESS':
      return { followedUpAt: followedUpAt ?? happenedAt, closedAt: null }
    case 'CLOSED':
      return { followedUpAt: followedUpAt ?? happenedAt, closedAt: closedAt ?? happenedAt }
  }
}

/** Seconds from one ISO 8601 instant to another (the SLA timings of a case). */
export function secondsBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 1000
}
