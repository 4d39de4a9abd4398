// The SPEC §1 rules for how one call moves a case on, for the SQLite baseline (a copy, not an import).

export type Phase = 'OPEN' | 'PROGRESS' | 'CLOSED'

export interface CaseRow {
  status: Phase
  status_code: number | null
  status_label: string
  assigned_to: string | null
  opened_at: string
  followed_up_at: string | null
  closed_at: string | null
  history_count: number
}

export interface Status {
  phase: Phase
  code: number | null
  label: string
}

/** The case after the call (null: no case yet) and the values of its history entry. */
export function nextCase(current: CaseRow | undefined, status: Status | undefined, assignedTo: string | undefined, now: string): CaseRow {
  const to = status ?? (current ? { phase: current.status, code: current.status_code, label: current.status_label } : OPENED)
  const followedUp = current?.followed_up_at ?? null
  return {
    status: to.phase,
    status_code: to.code,
    status_label: to.label,
    assigned_to: assignedTo ?? current?.assigned_to ?? null,
    opened_at: current?.opened_at ?? now,
    followed_up_at: to.phase === 'OPEN' ? null : (followedUp ?? now),
    closed_at: to.phase === 'CLOSED' ? (current?.closed_at ?? now) : null,
    history_count: (current?.history_count ?? 0) + 1,
  }
}

const OPENED: Status = { phase: 'OPEN', code: null, label: 'OPEN' }
