// Use case: a record's case with its history, in the one JSON shape every read surface shows (SPEC §4).

import { secondsBetween } from '../domain/case.js'
import type { Phase } from '../domain/status.js'
import { findCaseOfRecord, listHistory } from '../store/case-reads.js'
import type { Case, HistoryEntryRow } from '../store/database.js'
import type { ServiceContext } from './context.js'
import { tenantIdOf, type TenantRef } from './tenants.js'
import { withDatabase } from './transaction.js'

export interface HistoryEntryJson {
  seq: number
  at: string
  /** When the change happened (SPEC §9); `at` unless the write was back-dated. */
  happened_at: string
  actor: string
  status_from: Phase | null
  status_to: Phase
  status_label_from: string | null
  status_label_to: string
  assigned_from: string | null
  assigned_to: string | null
  comment: string | null
}

export interface CaseJson {
  number_customergauge: number
  status: Phase | null
  status_code: number | null
  status_label: string | null
  assigned_to: string | null
  opened_at: string | null
  followed_up_at: string | null
  closed_at: string | null
  updated_at: string | null
  time_to_follow_up_s: number | null
  time_to_close_s: number | null
  /** The number of history entries, 0 without a case: what a write sends back as If-Match (SPEC §9). */
  version: number
  history: HistoryEntryJson[]
}

/** The case of a record of the tenant (400200 when the tenant has no such record). */
export async function showCase(ctx: ServiceContext, ref: TenantRef, cgid: number): Promise<CaseJson> {
  const tenantId = await tenantIdOf(ctx, ref)
  return withDatabase(ctx, async (db) => {
    const row = await findCaseOfRecord(db, tenantId, cgid)
    return toCaseJson(cgid, row, row ? await listHistory(db, tenantId, cgid) : [])
  })
}

export function toCaseJson(cgid: number, row: Case | null, history: readonly HistoryEntryRow[]): CaseJson {
  return {
    number_customergauge: cgid,
    // The column's CHECK constraint admits only the three phases.
    status: (row?.status ?? null) as Phase | null,
    status_code: row?.status_code ?? null,
    status_label: row?.status_label ?? null,
    assigned_to: row?.assigned_to ?? null,
    opened_at: row?.opened_at ?? null,
    followed_up_at: row?.followed_up_at ?? null,
    closed_at: row?.closed_at ?? null,
    updated_at: row?.updated_at ?? null,
    ...caseTimings(row),
    version: row?.history_count ?? 0,
    // The row is read before its history, which a concurrent write may have extended since:
    // entries past the row's count belong to a later state, shown when the case is read again.
    history: history.filter((entry) => row !== null && entry.seq <= row.history_count).map(toHistoryEntryJson),
  }
}

/** A case's SLA timings in seconds (null until reached): what every read surface shows, v7's hours included. */
export function caseTimings(row: Case | null): Pick<CaseJson, 'time_to_follow_up_s' | 'time_to_close_s'> {
  return {
    time_to_follow_up_s: row?.followed_up_at ? secondsBetween(row.opened_at, row.followed_up_at) : null,
    time_to_close_s: row?.closed_at ? secondsBetween(row.opened_at, row.closed_at) : null,
  }
}

export function toHistoryEntryJson(entry: HistoryEntryRow): HistoryEntryJson {
  // Named one by one: the JSON's order is SPEC §4's, not the table's (columns added later go last).
  return {
    seq: entry.seq,
    at: entry.at,
    happened_at: entry.happened_at,
    actor: entry.actor,
    // The columns' CHECK constraints admit only the three phases.
    status_from: entry.status_from as Phase | null,
    status_to: entry.status_to as Phase,
    status_label_from: entry.status_label_from,
    status_label_to: entry.status_label_to,
    assigned_from: entry.assigned_from,
    assigned_to: entry.assigned_to,
    comment: entry.comment,
  }
}
