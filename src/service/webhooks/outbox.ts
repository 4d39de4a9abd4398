// The outbox writer: a change's webhook event, queued in the change's own transaction (SPEC §8).

import { randomBytes } from 'node:crypto'
import type { CaseState, HistoryEntry } from '../../domain/case.js'
import { eventTypeOf, type EventType } from '../../domain/webhook-events.js'
import { caseRow, entryToRow, type GuardedEvent, type NewCase } from '../../store/case-writes.js'
import type { Db } from '../../store/database.js'
import { matchingEndpointIds } from '../../store/webhook-endpoints.js'
import { insertDeliveries, queueEvent, type NewDelivery, type OutboxEvent } from '../../store/webhook-deliveries.js'
import { toCaseJson, toHistoryEntryJson } from '../case-view.js'

/** A new event id; the same on every attempt, on redelivery and for every endpoint. */
export function newEventId(): string {
  return `evt_${randomBytes(12).toString('hex')}`
}

/** The id of a delivery of `eventId` to the endpoint `endpointId` (whk_…): unique per event and endpoint. */
export function deliveryIdPrefix(eventId: string): string {
  return `dlv_${eventId.slice(4)}_`
}

/** A change's event: its id, type and `data` without the tenant (added when it is sent). */
export function caseEvent(cgid: number, next: CaseState, entry: HistoryEntry): GuardedEvent & { type: EventType } {
  const eventId = newEventId()
  return { eventId, deliveryIdPrefix: deliveryIdPrefix(eventId), type: eventTypeOf(entry), payload: casePayload(cgid, next, entry) }
}

/** `{"case": <§4 without history, right after the entry>, "entry": <the entry>}`. */
function casePayload(cgid: number, next: CaseState, entry: HistoryEntry): string {
  // The rows the change writes, shown as every read surface shows them (the tenant plays no part).
  const { history: _history, ...shown } = toCaseJson(cgid, caseRow('', cgid, next, 0), [])
  return JSON.stringify({ case: shown, entry: toHistoryEntryJson(entryToRow('', cgid, entry, null)) })
}

/**
 * Queues the event of one change for every endpoint that wants it, in the change's transaction
 * (in group commit, the call's own savepoint: a refused call rolls its event back with it).
 * Returns how many deliveries it queued.
 */
export async function queueCaseEvent(trx: Db, tenantId: string, cgid: number, next: CaseState, entry: HistoryEntry): Promise<number> {
  return queueEvent(trx, changeEvent(tenantId, cgid, next, entry))
}

/** The outbox event of one change: its case and entry, its actor, due at the entry's time (SQLite's hot path queues it too). */
export function changeEvent(tenantId: string, cgid: number, next: CaseState, entry: HistoryEntry): OutboxEvent {
  const event = caseEvent(cgid, next, entry)
  return { ...event, tenantId, cgid, entrySeq: entry.seq, eventAt: entry.at, actor: entry.actor, now: entry.at }
}

/** Queues the events of the cases an import opened (actor `import`); one look-up of the endpoints for all. */
export async function queueImportEvents(trx: Db, tenantId: string, cases: readonly NewCase[]): Promise<number> {
  if (cases.length === 0) return 0
  const endpoints = await matchingEndpointIds(trx, tenantId, 'case.opened', 'import')
  if (endpoints.length === 0) return 0
  const rows = cases.flatMap(({ cgid, state, entry }): NewDelivery[] => {
    const event = caseEvent(cgid, state, entry)
    return endpoints.map((endpointId) => ({
      id: event.deliveryIdPrefix + endpointId.slice(4),
      tenant_id: tenantId,
      endpoint_id: endpointId,
      event_id: event.eventId,
      event_type: event.type,
      number_customergauge: cgid,
      entry_seq: entry.seq,
      event_at: entry.at,
      payload: event.payload,
      status: 'pending',
      attempt_count: 0,
      next_attempt_at: entry.at,
      created_at: entry.at,
    }))
  })
  await insertDeliveries(trx, rows)
  return rows.length
}
