// PostgreSQL's batched write path: the two statements that read and write the changes of many
// v4.1 calls at once (service/change-batch.ts), hand-written because each takes its rows as
// arrays (unnest), which the query builder cannot express. Each text is prepared once per
// connection (prepared-texts.ts); the calls' values go as one array per column.

import { CompiledQuery, type Kysely } from 'kysely'
import type { Case, Database, HistoryEntryRow } from './database.js'
import { CASE_CHANGED_COLUMNS, CASE_COLUMNS } from './case-writes.js'
import { markForPreparing } from './prepared-texts.js'
import { RULE_COLUMNS, type RuleColumns } from './tenants.js'

/** What one call's read asks: its case, and the key and assignee to check with it. */
export interface CaseReadKey {
  tenantId: string
  cgid: number
  /** The hash of an unconfirmed API key to check, '' for none. */
  keyHash: string
  /** The call's assignee lower-cased, null for none. */
  assigneeLower: string | null
  /** The call's Idempotency-Key, '' for none. */
  idempotencyKey: string
}

/** What one call's read found: as readCaseForWrite's one row, and whether the record exists. */
export type CaseReadRow = { [Column in keyof Case]: Case[Column] | null } & RuleColumns & {
  record_found: boolean
  extended_statuses: number
  key_valid: boolean
  active_assignee: string | null
  /** The answer stored with the call's Idempotency-Key, whenever it was stored (null: none). */
  stored_request_hash: string | null
  stored_response: string | null
  stored_created_at: string | null
}

const CASE_COLUMN_NAMES = Object.keys(CASE_COLUMNS) as (keyof Case)[]

const READ_CASES = `
select i.ord,
  r.number_customergauge is not null as record_found,
  t.extended_statuses, ${RULE_COLUMNS.map((column) => `t.${column}`).join(', ')},
  ${CASE_COLUMN_NAMES.map((column) => `c.${column}`).join(', ')},
  exists (select 1 from api_keys a where a.hash = i.key_hash and a.tenant_id = i.tenant_id and a.revoked_at is null) as key_valid,
  (select u.email from users u where u.tenant_id = i.tenant_id and u.email_lower = i.assignee_lower and u.active = 1) as active_assignee,
  k.request_hash as stored_request_hash, k.response as stored_response, k.created_at as stored_created_at
from unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[]) with ordinality
  as i(tenant_id, cgid, key_hash, assignee_lower, idempotency_key, ord)
left join records r on r.tenant_id = i.tenant_id and r.number_customergauge = i.cgid
left join idempotency_keys k on k.tenant_id = i.tenant_id and k.key = i.idempotency_key
left join tenants t on t.id = i.tenant_id
left join cases c on c.tenant_id = i.tenant_id and c.number_customergauge = i.cgid
order by i.ord`
markForPreparing(READ_CASES)

/**
 * One statement: each call's case, its tenant's flag and rules, its key's validity, its assignee
 * and what its Idempotency-Key stored, in call order.
 */
export async function readCasesForWrite(db: Kysely<Database>, keys: readonly CaseReadKey[]): Promise<CaseReadRow[]> {
  const parameters = [
    keys.map((key) => key.tenantId),
    keys.map((key) => key.cgid),
    keys.map((key) => key.keyHash),
    keys.map((key) => key.assigneeLower),
    keys.map((key) => key.idempotencyKey),
  ]
  const { rows } = await db.executeQuery<CaseReadRow & { ord: number }>(CompiledQuery.raw(READ_CASES, parameters))
  return rows
}

/** One change of a batch: the case's next row, the entry that records it, and its webhook event. */
export interface BatchedCaseChange {
  row: Omit<Case, 'tenant_id' | 'change_seq'>
  entry: Omit<HistoryEntryRow, 'tenant_id' | 'number_customergauge'>
  event: { eventId: string; deliveryIdPrefix: string; type: string; payload: string }
  /** A keyed call's answer, stored with the change: its key is new (no row of it, expired or not, was read). */
  claim?: { key: string; requestHash: string; response: string; createdAt: string }
}

type InputColumn = readonly [name: string, type: 'bigint' | 'integer' | 'text', value: (change: BatchedCaseChange) => unknown]

// The input's columns, in the order of the write's parameters $3 onwards.
const INPUT_COLUMNS: readonly InputColumn[] = [
  ['number_customergauge', 'bigint', (c) => c.row.number_customergauge],
  ['status', 'text', (c) => c.row.status],
  ['status_code', 'integer', (c) => c.row.status_code],
  ['status_label', 'text', (c) => c.row.status_label],
  ['assigned_to', 'text', (c) => c.row.assigned_to],
  ['opened_at', 'text', (c) => c.row.opened_at],
  ['followed_up_at', 'text', (c) => c.row.followed_up_at],
  ['closed_at', 'text', (c) => c.row.closed_at],
  ['updated_at', 'text', (c) => c.row.updated_at],
  ['happened_at', 'text', (c) => c.row.happened_at],
  ['history_count', 'integer', (c) => c.row.history_count],
  ['entry_seq', 'integer', (c) => c.entry.seq],
  ['entry_at', 'text', (c) => c.entry.at],
  ['entry_happened_at', 'text', (c) => c.entry.happened_at],
  ['actor', 'text', (c) => c.entry.actor],
  ['status_from', 'text', (c) => c.entry.status_from],
  ['status_to', 'text', (c) => c.entry.status_to],
  ['status_label_from', 'text', (c) => c.entry.status_label_from],
  ['status_label_to', 'text', (c) => c.entry.status_label_to],
  ['assigned_from', 'text', (c) => c.entry.assigned_from],
  ['entry_assigned_to', 'text', (c) => c.entry.assigned_to],
  ['comment', 'text', (c) => c.entry.comment],
  ['event_id', 'text', (c) => c.event.eventId],
  ['delivery_id_prefix', 'text', (c) => c.event.deliveryIdPrefix],
  ['event_type', 'text', (c) => c.event.type],
  ['payload', 'text', (c) => c.event.payload],
  ['idempotency_key', 'text', (c) => c.claim?.key ?? ''],
  ['request_hash', 'text', (c) => c.claim?.requestHash ?? ''],
  ['response', 'text', (c) => c.claim?.response ?? ''],
  ['claimed_at', 'text', (c) => c.claim?.createdAt ?? ''],
]

const unnested = INPUT_COLUMNS.map(([, type], i) => `$${i + 3}::${type}[]`).join(', ')
const inputNames = INPUT_COLUMNS.map(([name]) => name).join(', ')
const caseColumns = CASE_COLUMN_NAMES.join(', ')
const caseValues = CASE_COLUMN_NAMES.map((column) =>
  column === 'tenant_id' ? '$1' : column === 'change_seq' ? 'bump.change_seq - $2 + i.ord' : `i.${column}`,
).join(', ')

/*
 * $1 the tenant, $2 how many changes, then one array per input column. The tenant's row is locked
 * first (bump, which the cases' insert reads before it writes a row), as on every write path, so
 * writers never deadlock; the n changes take the sequence numbers after the tenant's last, in
 * order. Each case is written only if it still has the history count its change was decided on
 * (one entry fewer than its new count; 0 for a case that did not exist): a case created or changed
 * since the read is left as it is, without its entry or events, and not returned. The sequence
 * numbers of such changes are spent, a gap the feed does not mind. A keyed change's answer is
 * stored with its case, by a plain insert: its key was not there when read, and one stored since
 * (a twin's, on another node) fails the whole statement on the key's primary key, so that nothing
 * of it is written and its calls go to the single-call path, which replays the twin's answer.
 */
const WRITE_CHANGES = `
with i as (
  select * from unnest(${unnested}) with ordinality as input(${inputNames}, ord)
), bump as (
  update tenants set change_seq = change_seq + $2 where id = $1 returning change_seq
), written as (
  insert into cases as c (${caseColumns})
  select ${caseValues} from i cross join bump
  on conflict (tenant_id, number_customergauge) do update set
    ${CASE_CHANGED_COLUMNS.map((column) => `${column} = excluded.${column}`).join(', ')}
  where c.history_count = excluded.history_count - 1
  returning c.number_customergauge
), logged as (
  insert into history_entries (tenant_id, number_customergauge, seq, at, happened_at, actor, status_from, status_to,
    status_label_from, status_label_to, assigned_from, assigned_to, comment, change_seq)
  select $1, i.number_customergauge, i.entry_seq, i.entry_at, i.entry_happened_at, i.actor, i.status_from, i.status_to,
    i.status_label_from, i.status_label_to, i.assigned_from, i.entry_assigned_to, i.comment, bump.change_seq - $2 + i.ord
  from i join written w on w.number_customergauge = i.number_customergauge cross join bump
), queued as (
  insert into webhook_deliveries (id, tenant_id, endpoint_id, event_id, event_type, number_customergauge, entry_seq,
    event_at, payload, status, attempt_count, next_attempt_at, created_at)
  select i.delivery_id_prefix || substr(e.id, 5), e.tenant_id, e.id, i.event_id, i.event_type, i.number_customergauge,
    i.entry_seq, i.entry_at, i.payload, 'pending', 0, i.entry_at, i.entry_at
  from i join written w on w.number_customergauge = i.number_customergauge
  join webhook_endpoints e on e.tenant_id = $1 and e.enabled = 1
  where exists (select 1 from webhook_endpoint_filters f where f.endpoint_id = e.id and f.kind = 'event'
      and (f.value = '*' or f.value = i.event_type))
    and not exists (select 1 from webhook_endpoint_filters x where x.endpoint_id = e.id and x.kind = 'exclude_actor'
      and x.value = i.actor)
  returning number_customergauge
), claimed as (
  insert into idempotency_keys (tenant_id, key, request_hash, response, created_at)
  select $1, i.idempotency_key, i.request_hash, i.response, i.claimed_at
  from i join written w on w.number_customergauge = i.number_customergauge
  where i.idempotency_key <> ''
)
select w.number_customergauge, (select count(*) from queued q where q.number_customergauge = w.number_customergauge) as queued
from written w`
markForPreparing(WRITE_CHANGES)

/**
 * One statement, which commits by itself: the changes of one tenant's distinct cases, each written
 * with its entry and its webhook deliveries only if its case is still as it was read. Returns the
 * deliveries queued per written case; a case missing from the answer was not written.
 */
export async function writeCaseChanges(
  db: Kysely<Database>,
  tenantId: string,
  changes: readonly BatchedCaseChange[],
): Promise<Map<number, number>> {
  const parameters = [tenantId, changes.length, ...INPUT_COLUMNS.map(([, , value]) => changes.map(value))]
  const { rows } = await db.executeQuery<{ number_customergauge: number; queued: number }>(CompiledQuery.raw(WRITE_CHANGES, parameters))
  return new Map(rows.map((row) => [row.number_customergauge, row.queued]))
}
