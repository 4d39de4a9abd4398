// The sync feed reads the change log instead of an index of every case by its last change
// (issue 17; docs/decisions.md, "The feed reads the change log"). Each history entry carries the
// tenant's change sequence at its change, and an index of the entries in that order replaces
// `cases_tenant_change`: an entry is appended once, where the old index moved its case's key on
// every change (a random page of the index rewritten per change, ~0.7 of the ~4 WAL pages a change
// wrote). A case is in the feed at the entry whose change_seq is the case's own.

import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('history_entries').addColumn('change_seq', 'bigint').execute()
  // Entries written before carry none, but each case's latest one: its seq is the case's
  // history_count, and its change the one the case's change_seq numbers. Older entries are never
  // a case's latest again, so the feed never needs theirs.
  await sql`update history_entries set change_seq = (
      select c.change_seq from cases c
      where c.tenant_id = history_entries.tenant_id and c.number_customergauge = history_entries.number_customergauge
        and c.history_count = history_entries.seq)`.execute(db)
  await db.schema.createIndex('history_entries_change').on('history_entries').columns(['tenant_id', 'change_seq']).execute()
  await db.schema.dropIndex('cases_tenant_change').execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('cases_tenant_change').on('cases').columns(['tenant_id', 'change_seq']).execute()
  await db.schema.dropIndex('history_entries_change').execute()
  await db.schema.alterTable('history_entries').dropColumn('change_seq').execute()
}
