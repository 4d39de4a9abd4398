// What a change does to a case, decided once for every write path: the general one (Kysely, every
// surface, both databases) and SQLite's hot path on the writer thread (hand-written statements).
// Both read what they need their own way, then call these synchronous functions in the same order,
// so a call is refused with the same code and message, or changes the case the same way, on either.

import { applyChange, type CaseChange, type CaseState, type HistoryEntry } from '../domain/case.js'
import { FirehouseError } from '../domain/errors.js'
import { checkHappenedAt } from '../domain/happened-at.js'
import { resolveStatus, type CaseStatus, type ExtendedStatus } from '../domain/status.js'
import type { WorkflowInput } from '../domain/workflow-input.js'
import { checkRules, type WorkflowRules } from '../domain/workflow-rules.js'
import { rowToCaseState } from '../store/case-reads.js'
import type { Case } from '../store/database.js'

/** Who writes, for which tenant, and the version of the case the change was based on (if any). */
export interface Writer {
  tenantId: string
  /** The history entry's actor: `key:<id>`, `app:<client_id>`, `user:<email>`. */
  actor: string
  /** The case's history count the caller saw; a case that moved since is not overwritten (400206). */
  expectedVersion?: number
}

/** A change as the service takes it: v4.1's fields, where the assignee may also be cleared (null). */
export type CaseInput = Omit<WorkflowInput, 'assignedTo'> & { assignedTo?: string | null }

/** 400206 when the case is no longer at the version the writer based its change on. */
export function checkVersion(writer: Writer, current: Case | null): void {
  if (writer.expectedVersion === undefined) return
  if ((current?.history_count ?? 0) !== writer.expectedVersion) {
    throw new FirehouseError('VERSION_CONFLICT', 'Case changed since it was read')
  }
}

/** The call's status as the tenant understands it (400011), checked before its assignee is looked up. */
export function statusOfInput(input: CaseInput, statusSet: readonly ExtendedStatus[] | null): CaseStatus | undefined {
  return input.status === undefined ? undefined : resolveOrThrow(input.status, statusSet)
}

/** What the decision needs besides the call: the tenant's rules and statuses, the resolved fields, the time. */
export interface DecisionInputs {
  rules: WorkflowRules
  statusSet: readonly ExtendedStatus[] | null
  /** statusOfInput's answer. */
  status: CaseStatus | undefined
  /** The assignee as stored (the active user's own e-mail), null to clear, undefined to keep. */
  assignedTo: string | null | undefined
  /** When the change is recorded: taken after the case was read, so a case's times never go back. */
  now: string
}

/**
 * Checks the change against the case's latest entry (400207) and the tenant's workflow rules
 * (400205, 400204), and returns the case's next state and the entry that records it. Pure.
 */
export function decideChange(
  writer: Writer,
  input: CaseInput,
  current: Case | null,
  inputs: DecisionInputs,
): { next: CaseState; entry: HistoryEntry } {
  const change: CaseChange = {
    status: inputs.status,
    assignedTo: inputs.assignedTo,
    comment: input.comment,
    actor: writer.actor,
    happenedAt: input.happenedAt,
  }
  const opened = resolveOrThrow('OPEN', inputs.statusSet)
  if (input.happenedAt !== undefined) checkHappenedAt(input.happenedAt, inputs.now, current?.happened_at ?? null)
  const before = current && rowToCaseState(current)
  const result = applyChange(before, change, inputs.now, opened)
  checkRules(inputs.rules, before, result.next, input.comment, opened)
  return result
}

/** A status word or extended code/label as the tenant understands it, or 400011. */
function resolveOrThrow(value: string, statusSet: readonly ExtendedStatus[] | null): CaseStatus {
  const status = resolveStatus(value, statusSet)
  if (!status) throw new FirehouseError('INVALID_STATUS', `Invalid status: ${value.trim().slice(0, 100)}`)
  return status
}
