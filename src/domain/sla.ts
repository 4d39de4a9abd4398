// The SLA badge of a case (SPEC §7): how its follow-up and close compare with the tenant's targets.

import type { Phase } from './status.js'

export interface SlaTargets {
  followUpHours: number
  closeHours: number
}

export const DEFAULT_SLA_TARGETS: SlaTargets = { followUpHours: 24, closeHours: 120 }

export interface SlaBadge {
  /** overdue: a target passed; due: one is still ahead; met / missed: the case is closed. */
  state: 'overdue' | 'due' | 'met' | 'missed'
  /** The badge's words, so that colour is never the only signal. */
  text: string
}

export interface SlaTimes {
  phase: Phase
  openedAt: string
  followedUpAt: string | null
  closedAt: string | null
}

const HOUR_MS = 3_600_000

/** An open case is measured against the follow-up target, one in progress against the close target. */
export function slaBadge(times: SlaTimes, targets: SlaTargets, now: Date): SlaBadge {
  const opened = Date.parse(times.openedAt)
  const followUpDue = opened + targets.followUpHours * HOUR_MS
  const closeDue = opened + targets.closeHours * HOUR_MS
  if (times.phase === 'CLOSED') {
    const closedInTime = times.closedAt !== null && Date.parse(times.closedAt) <= closeDue
    const followedInTime = times.followedUpAt !== null && Date.parse(times.followedUpAt) <= followUpDue
    return closedInTime && followedInTime ? { state: 'met', text: 'met' } : { state: 'missed', text: 'missed' }
  }
  const due = times.phase === 'OPEN' ? followUpDue : closeDue
  const left = due - now.getTime()
  return left < 0 ? { state: 'overdue', text: 'overdue' } : { state: 'due', text: `due in ${durationWords(left)}` }
}

/** "45 min", "3 h", "4 d": rounded up, so that "due in 0 h" never shows. */
export function durationWords(ms: number): string {
  const minutes = Math.max(1, Math.ceil(ms / 60_000))
  if (minutes < 60) return `${minutes} min`
  const hours = Math.ceil(minutes / 60)
  if (hours < 48) return `${hours} h`
  return `${Math.ceil(hours / 24)} d`
}
