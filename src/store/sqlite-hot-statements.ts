// SQLite's hot path (issue 17) in hand-written SQL, all of it in this file: the statements the
// writer thread runs for a batch of v4.1 changes, prepared once on its connection and run
// synchronously. Per change: one read of the case (and of its record while it has none), one write
// of the case by the rowid that read found, one history entry, and for a keyed call the look-up and
// the claim of its key; per batch: the tenant's row and each API key read once, and the tenant's
// change sequence written once.
// The Kysely store stays the source of truth for the schema and every other query;
// test/service/hot-path-identity.test.ts proves the two paths leave identical databases.

import type BetterSqlite3 from 'better-sqlite3'
import type { Phase } from '../domain/status.js'
import type { ExtendedStatus } from '../domain/status.js'
import { CASE_CHANGED_COLUMNS, CASE_COLUMNS, HISTORY_ENTRY_COLUMNS } from './case-writes.js'
import type { Case, HistoryEntryRow } from './database.js'
import type { StoredAnswer } from './idempotency-keys.js'
import { DELIVERY_COLUMNS, type OutboxEvent } from './webhook-deliveries.js'
import { rulesOfRow, type RuleColumns } from './tenants.js'
import type { WorkflowRules } from '../domain/workflow-rules.js'

/** A tenant as a batch of its changes needs it, read once per batch inside the batch's transaction. */
export interface HotTenant {
  changeSeq: number
  extendedStatuses: boolean
  rules: WorkflowRules
  hasWebhookEndpoints: boolean
}

/**
 * A case as this transaction read or wrote it, with its rowid: its update then finds the row by
 * rowid, without a search of the cases' primary-key index. A rowid stays what it is within a
 * transaction (only VACUUM renumbers a table without an INTEGER PRIMARY KEY).
 */
export interface HotCase {
  row: Case
  rowid: number
}

/** The case of a record: undefined when the tenant has no such record, null while the record has no case. */
export type HotCaseRead = HotCase | null | undefined

export interface HotStatements {
  /** BEGIN IMMEDIATE: the write lock first, so no read in the batch can go stale before its write. */
  begin(): void
  commit(): void
  rollback(): void
  tenant(tenantId: string): HotTenant | undefined
  /** Whether the API key with this hash is a key of the tenant that is not revoked. */
  keyValid(keyHash: string, tenantId: string): boolean
  caseOfRecord(tenantId: string, cgid: number): HotCaseRead
  /** The active user's e-mail as stored, found by its lower-cased form. */
  activeUserEmail(tenantId: string, emailLower: string): string | undefined
  statuses(tenantId: string): ExtendedStatus[]
  /** Inserts the case; returns its rowid. */
  insertCase(row: Case): number
  /** Writes the case's new row over `before`, the case as this transaction read or wrote it. */
  updateCase(row: Case, before: HotCase): void
  insertEntry(row: HistoryEntryRow): void
  setChangeSeq(tenantId: string, changeSeq: number): void
  /** The answer stored with an Idempotency-Key of the tenant since `notBefore`, or undefined. */
  storedAnswer(tenantId: string, key: string, notBefore: string): StoredAnswer | undefined
  /** Stores (or, for an expired key, replaces) a keyed call's answer, as saveIdempotencyKey does. */
  saveAnswer(tenantId: string, key: string, answer: StoredAnswer, createdAt: string): void
  /** Queues the event's deliveries, one per enabled endpoint that wants it, as queueEvent does; returns how many. */
  queueEvent(event: OutboxEvent): number
}

// A statement's values are taken from a row field by field, written out: a named property is one
// load in V8's compiled code, where a loop over the column names (row[column]) went through V8's
// megamorphic keyed access for every column of every change. The statements' column lists are read
// off the same functions (columnsOf), so the two cannot disagree, and each list is held at load to
// the general path's (case-writes.ts): both paths write the same columns, in one definition.

/** Every column of a case. */
const caseValues = (row: Case): unknown[] => [
  row.tenant_id,
  row.number_customergauge,
  row.status,
  row.status_code,
  row.status_label,
  row.assigned_to,
  row.opened_at,
  row.followed_up_at,
  row.closed_at,
  row.updated_at,
  row.happened_at,
  row.history_count,
  row.change_seq,
]

/**
 * The columns of the cases' indexes that a change writes (cases_tenant_status_closed; opened_at is
 * never written again). SQLite rewrites an index's entry whenever an UPDATE sets one of its
 * columns, to the same value too, and the index page that holds the entry then goes to the WAL: a
 * change that leaves both as they were (a comment, an assignee, a closed case closed again) is
 * written without them (unindexedChangedValues), one page fewer per change.
 */
const INDEXED_CHANGED_COLUMNS = ['status', 'closed_at'] as const satisfies readonly (keyof Case)[]

/** The columns a change writes, all but INDEXED_CHANGED_COLUMNS. */
const unindexedChangedValues = (row: Case): unknown[] => [
  row.status_code,
  row.status_label,
  row.assigned_to,
  row.followed_up_at,
  row.updated_at,
  row.happened_at,
  row.history_count,
  row.change_seq,
]

/** The columns a change of an existing case writes (CASE_CHANGED_COLUMNS): INDEXED_CHANGED_COLUMNS and the rest. */
const changedValues = (row: Case): unknown[] => [row.status, row.closed_at, ...unindexedChangedValues(row)]

/** Every column of a history entry. */
const entryValues = (row: HistoryEntryRow): unknown[] => [
  row.tenant_id,
  row.number_customergauge,
  row.seq,
  row.at,
  row.happened_at,
  row.actor,
  row.status_from,
  row.status_to,
  row.status_label_from,
  row.status_label_to,
  row.assigned_from,
  row.assigned_to,
  row.comment,
  row.change_seq,
]

/**
 * The column names `values` takes, in its order (it is given a row whose every column holds its own
 * name), after checking that they are `expected`, in any order.
 */
export function columnsOf<Row>(values: (row: Row) => unknown[], expected: readonly string[]): (keyof Row & string)[] {
  const named = values(new Proxy({}, { get: (_row, column) => column }) as Row) as (keyof Row & string)[]
  if (named.length !== expected.length || !expected.every((column) => named.includes(column as keyof Row & string))) {
    throw new Error(`The hot path's columns (${named.join(', ')}) are not the general path's (${expected.join(', ')})`)
  }
  return named
}

const CASE_COLUMN_NAMES = columnsOf(caseValues, Object.keys(CASE_COLUMNS))
const CHANGED_COLUMN_NAMES = columnsOf(changedValues, CASE_CHANGED_COLUMNS)
const UNINDEXED_CHANGED_COLUMN_NAMES = columnsOf(
  unindexedChangedValues,
  CASE_CHANGED_COLUMNS.filter((column) => !(INDEXED_CHANGED_COLUMNS as readonly string[]).includes(column)),
)
const ENTRY_COLUMN_NAMES = columnsOf(entryValues, Object.keys(HISTORY_ENTRY_COLUMNS))

const placeholders = (count: number): string => Array.from({ length: count }, () => '?').join(', ')

const SQL = {
  tenant: `select change_seq, extended_statuses, rule_progressive, rule_comment_on_status_change, rule_comment_on_reassign,
      auto_open_nps_min, auto_open_nps_max, auto_open_field,
      exists (select 1 from webhook_endpoints e where e.tenant_id = tenants.id and e.enabled = 1) as has_webhook_endpoints
    from tenants where id = ?`,
  // A case's record exists (its foreign key, and records are never deleted): the record is read
  // only for a record without a case, two B-tree searches fewer for every other change.
  caseOfRecord: `select rowid, ${CASE_COLUMN_NAMES.join(', ')} from cases where tenant_id = ? and number_customergauge = ?`,
  recordExists: 'select 1 from records where tenant_id = ? and number_customergauge = ?',
  keyValid: 'select 1 from api_keys where hash = ? and tenant_id = ? and revoked_at is null',
  activeUserEmail: 'select email from users where tenant_id = ? and email_lower = ? and active = 1',
  statuses: 'select code, label, phase from statuses where tenant_id = ? order by code',
  insertCase: `insert into cases (${CASE_COLUMN_NAMES.join(', ')}) values (${placeholders(CASE_COLUMN_NAMES.length)})`,
  updateCase: updateOf(CHANGED_COLUMN_NAMES),
  updateCaseButIndexed: updateOf(UNINDEXED_CHANGED_COLUMN_NAMES),
  insertEntry: `insert into history_entries (${ENTRY_COLUMN_NAMES.join(', ')}) values (${placeholders(ENTRY_COLUMN_NAMES.length)})`,
  setChangeSeq: 'update tenants set change_seq = ? where id = ?',
  storedAnswer: 'select request_hash, response from idempotency_keys where tenant_id = ? and key = ? and created_at >= ?',
  saveAnswer: `insert into idempotency_keys (tenant_id, key, request_hash, response, created_at) values (?, ?, ?, ?, ?)
    on conflict (tenant_id, key) do update set request_hash = excluded.request_hash, response = excluded.response, created_at = excluded.created_at`,
  // eventDeliveryRows (webhook-deliveries.ts) in SQL: the endpoints that want the event's type and do not exclude its actor.
  queueEvent: `insert into webhook_deliveries (${DELIVERY_COLUMNS.join(', ')})
    select :deliveryIdPrefix || substr(e.id, 5), e.tenant_id, e.id, :eventId, :type, :cgid, :entrySeq, :eventAt, :payload, 'pending', 0, :now, :now
    from webhook_endpoints e
    where e.tenant_id = :tenantId and e.enabled = 1
      and exists (select 1 from webhook_endpoint_filters f where f.endpoint_id = e.id and f.kind = 'event' and (f.value = '*' or f.value = :type))
      and not exists (select 1 from webhook_endpoint_filters x where x.endpoint_id = e.id and x.kind = 'exclude_actor' and x.value = :actor)`,
}

/** The UPDATE of a case that writes `columns`, their values first, then the case's rowid. */
function updateOf(columns: readonly (keyof Case)[]): string {
  return `update cases set ${columns.map((column) => `${column} = ?`).join(', ')} where rowid = ?`
}

/**
 * A case from its rowid and its columns' values, as caseOfRecord reads them: caseValues's order,
 * written out as one object literal for the reason above (checked at load, below).
 */
function caseOfColumns(values: readonly unknown[]): HotCase {
  const row = {
    tenant_id: values[1],
    number_customergauge: values[2],
    status: values[3],
    status_code: values[4],
    status_label: values[5],
    assigned_to: values[6],
    opened_at: values[7],
    followed_up_at: values[8],
    closed_at: values[9],
    updated_at: values[10],
    happened_at: values[11],
    history_count: values[12],
    change_seq: values[13],
  }
  return { row: row as Case, rowid: values[0] as number }
}

// caseOfColumns puts each value where caseValues takes it from.
if (caseValues(caseOfColumns([0, ...CASE_COLUMN_NAMES]).row).some((column, i) => column !== CASE_COLUMN_NAMES[i])) {
  throw new Error("The hot path reads a case's columns in another order than it writes them")
}

interface TenantRow extends RuleColumns {
  change_seq: number
  extended_statuses: number
  has_webhook_endpoints: number
}

/** Prepares the hot path's statements on the writer thread's connection. */
export function prepareHotStatements(database: BetterSqlite3.Database): HotStatements {
  const begin = database.prepare('begin immediate')
  const commit = database.prepare('commit')
  const rollback = database.prepare('rollback')
  const tenant = database.prepare<[string], TenantRow>(SQL.tenant)
  // Read as values: better-sqlite3 builds a row object in C++, one internalized key per column and
  // row, which cost 5.4 µs a case against 2.7 µs for the values and caseOfColumns.
  const caseOfRecord = database.prepare<[string, number], unknown[]>(SQL.caseOfRecord).raw(true)
  const recordExists = database.prepare<[string, number], number>(SQL.recordExists).pluck()
  const keyValid = database.prepare<[string, string], number>(SQL.keyValid).pluck()
  const activeUserEmail = database.prepare<[string, string], string>(SQL.activeUserEmail).pluck()
  const statuses = database.prepare<[string], ExtendedStatus>(SQL.statuses)
  const insertCase = database.prepare(SQL.insertCase)
  const updateCase = database.prepare(SQL.updateCase)
  const updateCaseButIndexed = database.prepare(SQL.updateCaseButIndexed)
  const insertEntry = database.prepare(SQL.insertEntry)
  const setChangeSeq = database.prepare(SQL.setChangeSeq)
  const storedAnswer = database.prepare<[string, string, string], { request_hash: string; response: string }>(SQL.storedAnswer)
  const saveAnswer = database.prepare(SQL.saveAnswer)
  const queueEvent = database.prepare<OutboxEvent>(SQL.queueEvent)
  return {
    begin: () => void begin.run(),
    commit: () => void commit.run(),
    rollback: () => {
      // A failed COMMIT may already have ended the transaction (SQLite rolls back on some errors).
      if (database.inTransaction) rollback.run()
    },
    keyValid: (keyHash, tenantId) => keyValid.get(keyHash, tenantId) !== undefined,
    tenant(tenantId) {
      const row = tenant.get(tenantId)
      if (!row) return undefined
      return {
        changeSeq: row.change_seq,
        extendedStatuses: row.extended_statuses === 1,
        rules: rulesOfRow(row),
        hasWebhookEndpoints: row.has_webhook_endpoints === 1,
      }
    },
    caseOfRecord(tenantId, cgid) {
      const values = caseOfRecord.get(tenantId, cgid)
      if (values) return caseOfColumns(values)
      return recordExists.get(tenantId, cgid) === undefined ? undefined : null
    },
    activeUserEmail: (tenantId, emailLower) => activeUserEmail.get(tenantId, emailLower),
    statuses: (tenantId) => statuses.all(tenantId).map((row) => ({ code: row.code, label: row.label, phase: row.phase as Phase })),
    insertCase: (row) => Number(insertCase.run(caseValues(row)).lastInsertRowid),
    updateCase(row, before) {
      // INDEXED_CHANGED_COLUMNS as they were: the UPDATE leaves them (and their index) out.
      const indexedKept = row.status === before.row.status && row.closed_at === before.row.closed_at
      const [statement, values] = indexedKept ? [updateCaseButIndexed, unindexedChangedValues(row)] : [updateCase, changedValues(row)]
      values.push(before.rowid)
      statement.run(values)
    },
    insertEntry: (row) => void insertEntry.run(entryValues(row)),
    setChangeSeq: (tenantId, changeSeq) => void setChangeSeq.run(changeSeq, tenantId),
    storedAnswer(tenantId, key, notBefore) {
      const row = storedAnswer.get(tenantId, key, notBefore)
      return row && { requestHash: row.request_hash, response: row.response }
    },
    saveAnswer: (tenantId, key, answer, createdAt) => void saveAnswer.run(tenantId, key, answer.requestHash, answer.response, createdAt),
    queueEvent: (event) => queueEvent.run(event).changes,
  }
}
