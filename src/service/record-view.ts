// Use case: one survey record of the tenant, as the native API shows it.

import { findRecord } from '../store/records.js'
import type { SurveyRecord } from '../store/database.js'
import type { ServiceContext } from './context.js'
import { tenantIdOf, type TenantRef } from './tenants.js'
import { withDatabase } from './transaction.js'

export interface RecordJson {
  number_customergauge: number
  nps: number | null
  comment: string | null
  account: string | null
  email: string | null
  first_name: string | null
  last_name: string | null
  date_creation: string | null
  /** Every other field the record was imported with. */
  extra: Record<string, unknown>
  created_at: string
  updated_at: string
}

export async function showRecord(ctx: ServiceContext, ref: TenantRef, cgid: number): Promise<RecordJson> {
  const tenantId = await tenantIdOf(ctx, ref)
  return toRecordJson(await withDatabase(ctx, (db) => findRecord(db, tenantId, cgid)))
}

export function toRecordJson(row: SurveyRecord): RecordJson {
  return {
    number_customergauge: row.number_customergauge,
    nps: row.nps,
    comment: row.comment,
    account: row.account,
    email: row.email,
    first_name: row.first_name,
    last_name: row.last_name,
    date_creation: row.date_creation,
    extra: JSON.parse(row.extra) as Record<string, unknown>,
    created_at: row.created_at,
    updated_at: row.updated_at,
  }
}
