// Back-dating (SPEC §9): every history entry records when its change happened, and every case when
// its latest change happened (the check of the next one needs it without reading the history).

import { sql, type Kysely } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
  // NOT NULL needs a default for the rows already there (SQLite cannot add the constraint later);
  // every write names the column, and the updates below replace the default at once.
  for (const table of ['history_entries', 'cases']) {
    await db.schema.alterTable(table).addColumn('happened_at', 'text', (col) => col.notNull().defaultTo('')).execute()
  }
  // Until now every change happened when it was recorded; a case's latest entry was recorded at
  // the case's updated_at.
  await sql`update history_entries set happened_at = at`.execute(db)
  await sql`update cases set happened_at = updated_at`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['cases', 'history_entries']) await db.schema.alterTable(table).dropColumn('happened_at').execute()
}
