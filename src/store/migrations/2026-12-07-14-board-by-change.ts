// The board reads its columns in change order from the change log, and its counts from an index that
// moves only when a case's phase does (issue 17; docs/decisions.md, "The board without an index of
// every change"). `cases_tenant_status_updated` (tenant, status, updated_at, cgid) moved its case's
// key on every change: a random page of the index rewritten per change, ~0.9 of the ~3.4 WAL pages a
// change of a case wrote.
//
// - `cases_tenant_status_closed` (tenant, status, closed_at): a phase's cases and the Closed column's
//   30-day bound (closed_at is set on closing and kept while the case stays closed), so the counts
//   read the index alone; a change that keeps the phase leaves its key where it was.
// - `history_entries_change` gains the entry's phase and CG-ID after its order (tenant, change_seq):
//   the feed reads it as before, and a column reads it backwards, passing over the other phases'
//   entries in the index, without their rows; a case is in a column at the entry whose change_seq
//   is the case's own. Still one index, appended once per change.

import type { Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_tenant_status_closed').on('cases').columns(['tenant_id', 'status', 'closed_at']).execute()
  await db.schema.dropIndex('history_entries_change').execute()
  await db.schema
    .createIndex('history_entries_change')
    .on('history_entries')
    .columns(['tenant_id', 'change_seq', 'status_to', 'number_customergauge'])
    .execute()
  await db.schema.dropIndex('cases_tenant_status_updated').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('cases_tenant_status_updated')
    .on('cases')
    .columns(['tenant_id', 'status', 'updated_at', 'number_customergauge'])
    .execute()
  await db.schema.dropIndex('history_entries_change').execute()
  await db.schema.createIndex('history_entries_change').on('history_entries').columns(['tenant_id', 'change_seq']).execute()
  await db.schema.dropIndex('cases_tenant_status_closed').execute()
}
