// Queries on survey records.

import { chunks } from './chunks.js'
import { compiledOncePerRowCount } from './compiled-once.js'
import { existingCgids } from './existing-cgids.js'
import type { Kysely } from 'kysely'
import { FirehouseError } from '../domain/errors.js'
import type { Database, SurveyRecord } from './database.js'

/** The record, or 400200: another tenant's record is indistinguishable from a missing one. */
export async function findRecord(db: Kysely<Database>, tenantId: string, cgid: number): Promise<SurveyRecord> {
  return db
    .selectFrom('records')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('number_customergauge', '=', cgid)
    .executeTakeFirstOrThrow(() => new FirehouseError('WORKFLOW_NOT_FOUND', 'Workflow not found'))
}

/** Which of these CG-IDs already have a record in the tenant. */
export async function existingRecordIds(
  db: Kysely<Database>,
  tenantId: string,
  cgids: readonly number[],
): Promise<Set<number>> {
  return existingCgids(db, 'records', tenantId, cgids)
}

/** Inserts or replaces records (importing a record again updates it; created_at is kept). */
export async function upsertRecords(db: Kysely<Database>, records: readonly SurveyRecord[]): Promise<void> {
  // 500 rows × 12 columns stays under SQLite's 32,766 parameters per statement.
  for (const chunk of chunks(records, 500)) await upsertRecordRows(db, chunk)
}

const RECORD_COLUMNS = {
  tenant_id: true,
  number_customergauge: true,
  nps: true,
  comment: true,
  account: true,
  email: true,
  first_name: true,
  last_name: true,
  date_creation: true,
  extra: true,
  created_at: true,
  updated_at: true,
} as const

const upsertRecordRows = compiledOncePerRowCount(RECORD_COLUMNS, (db, rows: SurveyRecord[]) =>
  db
    .insertInto('records')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'number_customergauge']).doUpdateSet((eb) => ({
        nps: eb.ref('excluded.nps'),
        comment: eb.ref('excluded.comment'),
        account: eb.ref('excluded.account'),
        email: eb.ref('excluded.email'),
        first_name: eb.ref('excluded.first_name'),
        last_name: eb.ref('excluded.last_name'),
        date_creation: eb.ref('excluded.date_creation'),
        extra: eb.ref('excluded.extra'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    ),
)
