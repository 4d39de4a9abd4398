// A tenant's workflow rules (SPEC §9): which changes a case may take, and which imported records open one.
// Pure functions, applied by the one service function every surface calls.

import { FirehouseError } from './errors.js'
import type { CaseStatus } from './status.js'

/** Which imported records open a case: an NPS in a range, or a record field that is true; either is enough. */
export interface AutoOpenRule {
  /** Both null: no NPS rule. */
  npsMin: number | null
  npsMax: number | null
  /** A record field whose true value opens a case; null: none. */
  field: string | null
}

export interface WorkflowRules {
  /** OPEN → PROGRESS → CLOSED without skipping PROGRESS. */
  progressive: boolean
  commentOnStatusChange: boolean
  commentOnReassign: boolean
  autoOpen: AutoOpenRule
}

/** A new tenant's rules: v4.1 as in SPEC §1, detractors (NPS 0–6) opened by imports. */
export const DEFAULT_RULES: WorkflowRules = Object.freeze({
  progressive: false,
  commentOnStatusChange: false,
  commentOnReassign: false,
  autoOpen: Object.freeze({ npsMin: 0, npsMax: 6, field: null }),
})

/** A tenant created with --no-auto-open: imports open no case. */
export const NO_AUTO_OPEN: AutoOpenRule = Object.freeze({ npsMin: null, npsMax: null, field: null })

/** A case as a rule sees it, before or after a change. */
export interface RuleView {
  status: CaseStatus
  assignedTo: string | null
}

/**
 * Refuses a change the tenant's rules do not allow: 400205 for a move the progressive rule
 * forbids (checked first: no comment makes it allowed), then 400204 for a status change or a
 * change of assignee without the comment a rule requires. `before` is null for a new case, which
 * counts as coming from `opened` (the tenant's OPEN status) with no assignee.
 */
export function checkRules(
  rules: WorkflowRules,
  before: RuleView | null,
  after: RuleView,
  comment: string | null | undefined,
  opened: CaseStatus,
): void {
  const from = before ?? { status: opened, assignedTo: null }
  if (rules.progressive && from.status.phase === 'OPEN' && after.status.phase === 'CLOSED') {
    throw new FirehouseError('STATUS_CHANGE_NOT_ALLOWED', `Status change not allowed: ${from.status.label} → ${after.status.label}`)
  }
  const hasComment = comment !== undefined && comment !== null && comment !== ''
  if (hasComment) return
  const statusChanged = !sameStatus(from.status, after.status)
  const reassigned = from.assignedTo !== after.assignedTo
  if ((rules.commentOnStatusChange && statusChanged) || (rules.commentOnReassign && reassigned)) {
    throw new FirehouseError('COMMENT_REQUIRED', 'A comment is required for this change')
  }
}

/** Another code of the same phase is another status; a phase without codes is the phase itself. */
function sameStatus(a: CaseStatus, b: CaseStatus): boolean {
  return a.phase === b.phase && a.code === b.code && a.label === b.label
}

/** The parts of an imported record the auto-open rule reads. */
export interface AutoOpenCandidate {
  nps: number | null
  /** The record's fields by name, as imported (known and extra). */
  field(name: string): unknown
}

/** Whether an imported record opens a case: its NPS in the range, or its named field true. */
export function opensCase(rule: AutoOpenRule, record: AutoOpenCandidate): boolean {
  const inRange = rule.npsMin !== null && rule.npsMax !== null && record.nps !== null && record.nps >= rule.npsMin && record.nps <= rule.npsMax
  return inRange || (rule.field !== null && isTrueValue(record.field(rule.field)))
}

/** JSON `true`, or the text `true`, `1` or `yes` in any case (surrounding white space ignored). */
export function isTrueValue(value: unknown): boolean {
  if (value === true) return true
  return typeof value === 'string' && /^(true|1|yes)$/i.test(value.trim())
}

export const MAX_RULE_FIELD_LENGTH = 100
export const MAX_NPS = 10

/** What a settings call may change: any part of the rules; auto_open's parts one by one. */
export interface RulesUpdate {
  progressive?: boolean
  commentOnStatusChange?: boolean
  commentOnReassign?: boolean
  autoOpen?: Partial<AutoOpenRule>
}

/**
 * The rules after an update, checked whole: an NPS range is two integers 0–10 with min ≤ max, or
 * both null; a field name is 1–100 characters without control characters. 300001 otherwise.
 */
export function applyRulesUpdate(current: WorkflowRules, update: RulesUpdate): WorkflowRules {
  const part = update.autoOpen ?? {}
  // An absent (undefined) part keeps the stored one; null is a value (no rule).
  const autoOpen: AutoOpenRule = {
    npsMin: part.npsMin === undefined ? current.autoOpen.npsMin : part.npsMin,
    npsMax: part.npsMax === undefined ? current.autoOpen.npsMax : part.npsMax,
    field: part.field === undefined ? current.autoOpen.field : part.field,
  }
  checkAutoOpen(autoOpen)
  return {
    progressive: update.progressive ?? current.progressive,
    commentOnStatusChange: update.commentOnStatusChange ?? current.commentOnStatusChange,
    commentOnReassign: update.commentOnReassign ?? current.commentOnReassign,
    autoOpen,
  }
}

function checkAutoOpen({ npsMin, npsMax, field }: AutoOpenRule): void {
  if ((npsMin === null) !== (npsMax === null)) {
    throw new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: auto_open.nps_min and nps_max are both numbers or both null')
  }
  for (const nps of [npsMin, npsMax]) {
    if (nps !== null && !(Number.isInteger(nps) && nps >= 0 && nps <= MAX_NPS)) {
      throw new FirehouseError('INVALID_ARGUMENT', `Invalid argument: auto_open.nps_min and nps_max are integers from 0 to ${MAX_NPS}`)
    }
  }
  if (npsMin !== null && npsMax !== null && npsMin > npsMax) {
    throw new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: auto_open.nps_min is greater than nps_max')
  }
  if (field !== null && !isFieldName(field)) {
    throw new FirehouseError(
      'INVALID_ARGUMENT',
      `Invalid argument: auto_open.field is a record field's name, 1 to ${MAX_RULE_FIELD_LENGTH} characters without control characters`,
    )
  }
}

function isFieldName(name: string): boolean {
  return name.length >= 1 && name.length <= MAX_RULE_FIELD_LENGTH && name.trim() === name && !/[\p{Cc}\p{Cs}]/u.test(name)
}

/** `MIN-MAX` (e.g. `0-6`) as the CLI takes an NPS range; undefined when it is not one. */
export function parseNpsRange(text: string): { npsMin: number; npsMax: number } | undefined {
  const match = /^\s*(\d{1,2})\s*-\s*(\d{1,2})\s*$/.exec(text)
  if (!match) return undefined
  return { npsMin: Number(match[1]), npsMax: Number(match[2]) }
}
