// The webhook event types (SPEC §8) and which one a history entry makes.

import type { HistoryEntry } from './case.js'

export const EVENT_TYPES = ['case.opened', 'case.closed', 'case.updated', 'ping'] as const
export type EventType = (typeof EVENT_TYPES)[number]

export function isEventType(value: string): value is EventType {
  return (EVENT_TYPES as readonly string[]).includes(value)
}

/**
 * `case.opened`: the entry created the case or moved it into OPEN from another phase;
 * `case.closed`: into CLOSED from another phase; `case.updated`: anything else.
 */
export function eventTypeOf(entry: Pick<HistoryEntry, 'statusFrom' | 'statusTo'>): EventType {
  if (entry.statusFrom === null) return 'case.opened'
  const from = entry.statusFrom.phase
  const to = entry.statusTo.phase
  if (to === 'OPEN' && from !== 'OPEN') return 'case.opened'
  if (to === 'CLOSED' && from !== 'CLOSED') return 'case.closed'
  return 'case.updated'
}
