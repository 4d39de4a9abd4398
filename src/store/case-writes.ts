// Writes of cases and their history entries: one change, the guarded single statement, and imports' many rows.

import { sql, type ExpressionBuilder, type Kysely, type OnConflictDatabase, type OnConflictTables } from 'kysely'
import type { CaseState, HistoryEntry } from '../domain/case.js'
import { chunks } from './chunks.js'
import { compiledOnce, compiledOncePerRowCount } from './compiled-once.js'
import type { Case, Database, HistoryEntryRow } from './database.js'
import { DELIVERY_COLUMNS, eventDeliveryRows, type OutboxEvent } from './webhook-deliveries.js'

/**
 * PostgreSQL only, one statement (one round trip): advances the tenant's change sequence, and if
 * the case still has `expectedHistoryCount` entries writes its new state with that number and the
 * history entry. The tenant's row stays locked from here to the commit, so the tenant's changes
 * commit in sequence order. `written` false: another write changed the case since it was read
 * (the sequence number is spent all the same).
 */
export async function saveCaseChangeIfUnchanged(
  db: Kysely<Database>,
  tenantId: string,
  cgid: number,
  change: { state: CaseState; entry: HistoryEntry; expectedHistoryCount: number; event: GuardedEvent },
): Promise<{ changeSeq: number; written: boolean; queued: number }> {
  const { change_seq: _seq, opened_at: _opened, ...row } = caseRow(tenantId, cgid, change.state, 0)
  const entry = entryToRow(tenantId, cgid, change.entry, null)
  const values: GuardedChange = {
    ...row,
    expected_history_count: change.expectedHistoryCount,
    actor: entry.actor,
    status_from: entry.status_from,
    status_label_from: entry.status_label_from,
    assigned_from: entry.assigned_from,
    comment: entry.comment,
    event_id: change.event.eventId,
    delivery_id_prefix: change.event.deliveryIdPrefix,
    event_type: change.event.type,
    payload: change.event.payload,
  }
  const [result] = await updateCaseIfUnchanged(db, values)
  if (!result || result.change_seq === null) throw new Error('the guarded case update found no tenant')
  return { changeSeq: result.change_seq, written: result.written === 1, queued: Number(result.queued ?? 0) }
}

/** The webhook event of a guarded change (its case, entry, actor and time are the change's own). */
export type GuardedEvent = Pick<OutboxEvent, 'eventId' | 'deliveryIdPrefix' | 'type' | 'payload'>

/** A case's columns (the hand-written hot path in sqlite-hot-statements.ts writes the same). */
export const CASE_COLUMNS = {
  tenant_id: true,
  number_customergauge: true,
  status: true,
  status_code: true,
  status_label: true,
  assigned_to: true,
  opened_at: true,
  followed_up_at: true,
  closed_at: true,
  updated_at: true,
  happened_at: true,
  history_count: true,
  change_seq: true,
} as const

type GuardedChange = Omit<Case, 'change_seq' | 'opened_at'> & { expected_history_count: number } & Pick<
    HistoryEntryRow,
    'actor' | 'status_from' | 'status_label_from' | 'assigned_from' | 'comment'
  > & { event_id: string; delivery_id_prefix: string; event_type: string; payload: string }

const { change_seq: _seq, opened_at: _opened, ...GUARDED_CASE_COLUMNS } = CASE_COLUMNS

const updateCaseIfUnchanged = compiledOnce(
  {
    ...GUARDED_CASE_COLUMNS,
    expected_history_count: true,
    actor: true,
    status_from: true,
    status_label_from: true,
    assigned_from: true,
    comment: true,
    event_id: true,
    delivery_id_prefix: true,
    event_type: true,
    payload: true,
  },
  (db, change: GuardedChange) =>
    db
      .with('bump', (qb) =>
        qb
          .updateTable('tenants')
          .set((eb) => ({ change_seq: eb('change_seq', '+', 1) }))
          .where('id', '=', change.tenant_id)
          .returning('change_seq'),
      )
      .with('changed', (qb) =>
        qb
          .updateTable('cases')
          .set({
            status: change.status,
            status_code: change.status_code,
            status_label: change.status_label,
            assigned_to: change.assigned_to,
            followed_up_at: change.followed_up_at,
            closed_at: change.closed_at,
            updated_at: change.updated_at,
            happened_at: change.happened_at,
            history_count: change.history_count,
            change_seq: (eb) => eb.selectFrom('bump').select('change_seq'),
          })
          .where('tenant_id', '=', change.tenant_id)
          .where('number_customergauge', '=', change.number_customergauge)
          .where('history_count', '=', change.expected_history_count)
          .returning(['tenant_id', 'number_customergauge', 'history_count', 'updated_at', 'happened_at', 'status', 'status_label', 'assigned_to', 'change_seq']),
      )
      .with('logged', (qb) =>
        qb
          .insertInto('history_entries')
          .columns(['tenant_id', 'number_customergauge', 'seq', 'at', 'happened_at', 'actor', 'status_from', 'status_to', 'status_label_from', 'status_label_to', 'assigned_from', 'assigned_to', 'comment', 'change_seq'])
          // The "to" values come from the written row; the "from" values and the rest are text.
          .expression((eb) =>
            eb
              .selectFrom('changed')
              .select((eb) => [
                'changed.tenant_id',
                'changed.number_customergauge',
                'changed.history_count',
                'changed.updated_at',
                'changed.happened_at',
                eb.val(change.actor).as('actor'),
                eb.val(change.status_from).as('status_from'),
                'changed.status',
                eb.val(change.status_label_from).as('status_label_from'),
                'changed.status_label',
                eb.val(change.assigned_from).as('assigned_from'),
                'changed.assigned_to',
                eb.val(change.comment).as('comment'),
                'changed.change_seq',
              ]),
          )
          .returning('seq'),
      )
      // The outbox: the event's deliveries, selected only when the guarded update wrote the case.
      .with('queued', (qb) =>
        qb
          .insertInto('webhook_deliveries')
          .columns([...DELIVERY_COLUMNS])
          .expression((eb) => eventDeliveryRows(eb, guardedEvent(change)).where(sql<boolean>`exists (select 1 from changed)`))
          .returning('id'),
      )
      .selectNoFrom((eb) => [
        eb.selectFrom('bump').select('change_seq').as('change_seq'),
        eb.selectFrom('logged').select((eb) => eb.fn.countAll<number>().as('count')).as('written'),
        eb.selectFrom('queued').select((eb) => eb.fn.countAll<number>().as('count')).as('queued'),
      ]),
)

/** The outbox event of a guarded change: the case, entry, actor and time are the change's own values. */
function guardedEvent(change: GuardedChange): OutboxEvent {
  return {
    tenantId: change.tenant_id,
    eventId: change.event_id,
    deliveryIdPrefix: change.delivery_id_prefix,
    type: change.event_type,
    cgid: change.number_customergauge,
    entrySeq: change.history_count,
    eventAt: change.updated_at,
    actor: change.actor,
    payload: change.payload,
    now: change.updated_at,
  }
}

/** Writes a case's new state and the history entry that records the change. */
export async function saveCaseChange(
  db: Kysely<Database>,
  tenantId: string,
  cgid: number,
  state: CaseState,
  entry: HistoryEntry,
  changeSeq: number,
): Promise<void> {
  await upsertCase(db, caseRow(tenantId, cgid, state, changeSeq))
  await insertHistoryEntry(db, entryToRow(tenantId, cgid, entry, changeSeq))
}

const CASE_KEY = ['tenant_id', 'number_customergauge'] as const
// A case keeps the time it was opened: leaving opened_at out of the update spares its index a rewrite.
const KEPT_COLUMNS: readonly string[] = [...CASE_KEY, 'opened_at']
/** The columns a change of an existing case writes. */
export const CASE_CHANGED_COLUMNS = Object.keys(CASE_COLUMNS).filter((column) => !KEPT_COLUMNS.includes(column)) as (keyof Case)[]

const upsertCase = compiledOnce(CASE_COLUMNS, (db, row: Case) =>
  db
    .insertInto('cases')
    .values(row)
    .onConflict((oc) =>
      // The proposed row's own values (excluded.*): each value is sent once.
      oc.columns([...CASE_KEY]).doUpdateSet(changedColumnsOfProposedRow),
    ),
)

/** ON CONFLICT … DO UPDATE SET column = excluded.column for what a change may change. */
function changedColumnsOfProposedRow(eb: ExpressionBuilder<OnConflictDatabase<Database, 'cases'>, OnConflictTables<'cases'>>) {
  return Object.fromEntries(CASE_CHANGED_COLUMNS.map((column) => [column, eb.ref(`excluded.${column}`)]))
}

/** A history entry's columns. */
export const HISTORY_ENTRY_COLUMNS = {
  tenant_id: true,
  number_customergauge: true,
  seq: true,
  at: true,
  happened_at: true,
  actor: true,
  status_from: true,
  status_to: true,
  status_label_from: true,
  status_label_to: true,
  assigned_from: true,
  assigned_to: true,
  comment: true,
  change_seq: true,
} as const

const insertHistoryEntry = compiledOnce(HISTORY_ENTRY_COLUMNS, (db, row: HistoryEntryRow) => db.insertInto('history_entries').values(row))

export interface NewCase {
  cgid: number
  state: CaseState
  entry: HistoryEntry
  changeSeq: number
}

/** Inserts cases that do not exist yet, with their first entries, many rows per statement (imports). */
export async function insertNewCases(db: Kysely<Database>, tenantId: string, cases: readonly NewCase[]): Promise<void> {
  // 500 rows × 14 columns at most stays under SQLite's 32,766 parameters per statement.
  for (const chunk of chunks(cases, 500)) {
    await insertCaseRows(db, chunk.map((item) => caseRow(tenantId, item.cgid, item.state, item.changeSeq)))
    await insertHistoryRows(db, chunk.map((item) => entryToRow(tenantId, item.cgid, item.entry, item.changeSeq)))
  }
}

const insertCaseRows = compiledOncePerRowCount(CASE_COLUMNS, (db, rows: Case[]) => db.insertInto('cases').values(rows))
const insertHistoryRows = compiledOncePerRowCount(HISTORY_ENTRY_COLUMNS, (db, rows: HistoryEntryRow[]) => db.insertInto('history_entries').values(rows))

/** A case's state as its row (the webhook payload shows it through the same mapping). */
export function caseRow(tenantId: string, cgid: number, state: CaseState, changeSeq: number): Case {
  return {
    tenant_id: tenantId,
    number_customergauge: cgid,
    status: state.status.phase,
    status_code: state.status.code,
    status_label: state.status.label,
    assigned_to: state.assignedTo,
    opened_at: state.openedAt,
    followed_up_at: state.followedUpAt,
    closed_at: state.closedAt,
    updated_at: state.updatedAt,
    happened_at: state.happenedAt,
    history_count: state.historyCount,
    change_seq: changeSeq,
  }
}

/**
 * A history entry as its row; `changeSeq` is the tenant's change sequence at the change (the sync
 * feed's order), null where the row is not written (a webhook payload shows the entry through it).
 */
export function entryToRow(tenantId: string, cgid: number, entry: HistoryEntry, changeSeq: number | null): HistoryEntryRow {
  return {
    tenant_id: tenantId,
    number_customergauge: cgid,
    seq: entry.seq,
    at: entry.at,
    happened_at: entry.happenedAt,
    actor: entry.actor,
    status_from: entry.statusFrom?.phase ?? null,
    status_to: entry.statusTo.phase,
    status_label_from: entry.statusFrom?.label ?? null,
    status_label_to: entry.statusTo.label,
    assigned_from: entry.assignedFrom,
    assigned_to: entry.assignedTo,
    comment: entry.comment,
    change_seq: changeSeq,
  }
}

