// Use case: the Insights page's figures (SPEC §7) for one tenant, as plain data.

import { secondsBetween } from '../domain/case.js'
import { countByBand, INSIGHT_DAYS, utcDaysEndingAt, windowStart, type DurationBand } from '../domain/insight-buckets.js'
import { quantile } from '../domain/statistics.js'
import { PHASES, type Phase } from '../domain/status.js'
import {
  countCasesByPhase,
  countClosedPerDay,
  countOpenedPerDay,
  countOpenPerAssignee,
  listRecentTimings,
  type CaseTimingRow,
} from '../store/insights.js'
import type { ServiceContext } from './context.js'
import type { Percentiles } from './metrics-summary.js'
import { withDatabase } from './transaction.js'

export interface DayCounts {
  /** YYYY-MM-DD, a UTC day. */
  day: string
  opened: number
  closed: number
}

/** The median and p90 in seconds (null without data), over `count` cases, and how they spread. */
export interface TimingStats extends Percentiles {
  count: number
  bands: { band: DurationBand; count: number }[]
}

export interface AssigneeCount {
  /** The assignee's e-mail as the user's is spelt; null for unassigned cases. */
  assignee: string | null
  count: number
}

export interface Insights {
  counts: Record<Phase, number>
  /** INSIGHT_DAYS UTC days, oldest first, today last. */
  days: DayCounts[]
  /** Of the cases followed up within those days. */
  followUp: TimingStats
  /** Of the cases closed within those days (and closed still). */
  close: TimingStats
  /** Cases not closed, per assignee: most first, then by e-mail, unassigned last among equals. */
  openPerAssignee: AssigneeCount[]
}

export async function loadInsights(ctx: ServiceContext, tenantId: string, now: Date): Promise<Insights> {
  const days = utcDaysEndingAt(now, INSIGHT_DAYS)
  const since = windowStart(now, INSIGHT_DAYS)
  return withDatabase(ctx, async (db) => {
    const phases = await countCasesByPhase(db, tenantId)
    const opened = await countOpenedPerDay(db, tenantId, since)
    const closed = await countClosedPerDay(db, tenantId, since)
    const timings = await listRecentTimings(db, tenantId, since)
    const assignees = await countOpenPerAssignee(db, tenantId)
    return {
      counts: Object.fromEntries(PHASES.map((phase) => [phase, phases.get(phase) ?? 0])) as Record<Phase, number>,
      days: days.map((day) => ({ day, opened: opened.get(day) ?? 0, closed: closed.get(day) ?? 0 })),
      ...timingStats(timings, since),
      openPerAssignee: assignees.sort(byCountThenAssignee),
    }
  })
}

/**
 * Follow-ups and closes that happened from `since` on, each timed from the case's opening. Every row
 * was followed up or closed then; one closed then may have been followed up before.
 */
function timingStats(rows: readonly CaseTimingRow[], since: string): Pick<Insights, 'followUp' | 'close'> {
  const followUps: number[] = []
  const closes: number[] = []
  for (const row of rows) {
    if (row.followed_up_at !== null && row.followed_up_at >= since) followUps.push(secondsBetween(row.opened_at, row.followed_up_at))
    if (row.closed_at !== null) closes.push(secondsBetween(row.opened_at, row.closed_at))
  }
  return { followUp: statsOf(followUps), close: statsOf(closes) }
}

function statsOf(seconds: number[]): TimingStats {
  return { median: quantile(seconds, 0.5), p90: quantile(seconds, 0.9), count: seconds.length, bands: countByBand(seconds) }
}

function byCountThenAssignee(a: AssigneeCount, b: AssigneeCount): number {
  if (a.count !== b.count) return b.count - a.count
  if (a.assignee === null || b.assignee === null) return a.assignee === null ? 1 : -1
  return a.assignee < b.assignee ? -1 : a.assignee > b.assignee ? 1 : 0
}
