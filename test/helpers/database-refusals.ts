// Makes a test's database refuse one comment and one idempotency key: faults that strike after a call
// has already written (the tenant's sequence bump, the case row), so undoing those writes is tested.

import { sql } from 'kysely'
import type { ServiceContext } from '../../src/service/context.js'

/** A valid comment (the service accepts it) whose history entry the database refuses. */
export const REFUSED_COMMENT = 'the database refuses this entry'
/** A valid Idempotency-Key whose row the database refuses: the case and its entry are written first. */
export const REFUSED_IDEMPOTENCY_KEY = 'the-database-refuses-this-key'

// A trigger on SQLite (no ALTER TABLE … ADD CONSTRAINT there), a CHECK constraint on PostgreSQL.
const REFUSALS: Record<string, readonly string[]> = {
  sqlite: [
    `create trigger refuse_history_entry before insert on history_entries when new.comment = '${REFUSED_COMMENT}'
       begin select raise(abort, 'history entry refused by the test'); end`,
    `create trigger refuse_idempotency_key before insert on idempotency_keys when new.key = '${REFUSED_IDEMPOTENCY_KEY}'
       begin select raise(abort, 'idempotency key refused by the test'); end`,
  ],
  postgres: [
    `alter table history_entries add constraint refuse_history_entry check (comment is distinct from '${REFUSED_COMMENT}')`,
    `alter table idempotency_keys add constraint refuse_idempotency_key check (key <> '${REFUSED_IDEMPOTENCY_KEY}')`,
  ],
}

/** Installs the refusals in the database of `ctx` (schema only: no tenant data is written). */
export async function refuseMarkedWrites(ctx: ServiceContext): Promise<void> {
  const statements = REFUSALS[ctx.store.dialect.name]
  if (!statements) throw new Error(`no refusals for ${ctx.store.dialect.name}`)
  for (const statement of statements) await sql.raw(statement).execute(ctx.store.db)
}
