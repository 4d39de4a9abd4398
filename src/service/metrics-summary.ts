// Use case: counts by phase and the median and p90 times to follow up and to close (SPEC §5).

import { secondsBetween } from '../domain/case.js'
import { quantile } from '../domain/statistics.js'
import { PHASES, type Phase } from '../domain/status.js'
import { listCaseTimings } from '../store/case-reads.js'
import { parseInstant } from './case-feed.js'
import type { ServiceContext } from './context.js'
import { withDatabase } from './transaction.js'

export interface Percentiles {
  median: number | null
  p90: number | null
}

export interface MetricsSummary {
  counts: Record<Phase, number>
  time_to_follow_up_s: Percentiles
  time_to_close_s: Percentiles
}

/** Over the tenant's cases opened in [from, to) (either bound optional). */
export async function metricsSummary(
  ctx: ServiceContext,
  tenantId: string,
  range: { from?: string; to?: string },
): Promise<MetricsSummary> {
  const bounds = {
    from: range.from === undefined ? undefined : parseInstant(range.from, 'from'),
    to: range.to === undefined ? undefined : parseInstant(range.to, 'to'),
  }
  const cases = await withDatabase(ctx, (db) => listCaseTimings(db, tenantId, bounds))
  const counts = Object.fromEntries(PHASES.map((phase) => [phase, 0])) as Record<Phase, number>
  const followUps: number[] = []
  const closes: number[] = []
  for (const row of cases) {
    counts[row.status as Phase] += 1
    if (row.followed_up_at) followUps.push(secondsBetween(row.opened_at, row.followed_up_at))
    if (row.closed_at) closes.push(secondsBetween(row.opened_at, row.closed_at))
  }
  return { counts, time_to_follow_up_s: percentiles(followUps), time_to_close_s: percentiles(closes) }
}

function percentiles(values: number[]): Percentiles {
  return { median: quantile(values, 0.5), p90: quantile(values, 0.9) }
}
