// Validates the fields of a v4.1 workflow call: everything that needs no database.

import { FirehouseError } from './errors.js'
import { readHappenedAt } from './happened-at.js'

export const WORKFLOW_FIELDS = ['number_customergauge', 'status', 'comment', 'assigned_to', 'happened_at'] as const
export type WorkflowField = (typeof WORKFLOW_FIELDS)[number]

export const MAX_FIELDS = 100
export const MAX_COMMENT_CODE_POINTS = 10_000
export const MAX_CGID = Number.MAX_SAFE_INTEGER

/** A field as a body or query string carried it: strings from forms, any JSON value from JSON. */
export interface RawField {
  name: string
  value: unknown
}

/** A validated workflow call. Absent fields are undefined. */
export interface WorkflowInput {
  numberCustomergauge: number
  status?: string
  comment?: string
  assignedTo?: string
  /** When the change happened (SPEC §9), in UTC with milliseconds; absent unless given. */
  happenedAt?: string
}

/** Fields trimmed of surrounding white space before use. */
const TRIMMED: ReadonlySet<string> = new Set(['number_customergauge', 'status', 'assigned_to', 'happened_at'])

// C0 controls other than TAB, LF, CR; lone surrogates; the non-characters U+FFFE and U+FFFF:
// what XML 1.0 cannot carry.
const FORBIDDEN_IN_COMMENT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Surrogate}/u

/** Checks the shape of a call (count, repeats, types, CG-ID, comment, happened_at's form) and returns its values. */
export function parseWorkflowInput(fields: readonly RawField[]): WorkflowInput {
  if (fields.length > MAX_FIELDS) {
    throw new FirehouseError('TOO_MANY_PARAMETERS', `Too many parameters (more than ${MAX_FIELDS})`)
  }
  const values = collectKnownFields(fields)
  const cgid = values.get('number_customergauge')
  if (cgid === undefined) {
    throw new FirehouseError('MISSING_ARGUMENT', 'Missing required argument: number_customergauge')
  }
  const input: WorkflowInput = {
    numberCustomergauge: parseCgid(cgid),
    status: asText(values.get('status'), 'status'),
    comment: asText(values.get('comment'), 'comment'),
    assignedTo: asText(values.get('assigned_to'), 'assigned_to'),
  }
  const happenedAt = asText(values.get('happened_at'), 'happened_at')
  if (input.comment !== undefined) checkComment(input.comment)
  // Its form only: the clock and the case's latest entry are checked at the write.
  if (happenedAt !== undefined) input.happenedAt = readHappenedAt(happenedAt)
  return input
}

/** The known fields, trimmed, with empty values dropped; a known field given twice is 300001. */
function collectKnownFields(fields: readonly RawField[]): Map<WorkflowField, unknown> {
  const seen = new Set<string>()
  const values = new Map<WorkflowField, unknown>()
  for (const { name, value } of fields) {
    if (!isWorkflowField(name)) continue
    if (seen.has(name)) {
      throw new FirehouseError('INVALID_ARGUMENT', `Invalid argument: ${name} is given more than once`)
    }
    seen.add(name)
    const normalised = typeof value === 'string' && TRIMMED.has(name) ? value.trim() : value
    if (normalised !== '' && normalised !== null) values.set(name, normalised)
  }
  return values
}

function isWorkflowField(name: string): name is WorkflowField {
  return (WORKFLOW_FIELDS as readonly string[]).includes(name)
}

/** A CG-ID: decimal digits (or a JSON integer), 1 … 2^53−1. */
export function parseCgid(value: unknown): number {
  const number =
    typeof value === 'number' ? value : typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : NaN
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new FirehouseError(
      'INVALID_ARGUMENT',
      `Invalid argument: number_customergauge must be an integer from 1 to ${MAX_CGID}`,
    )
  }
  return number
}

function asText(value: unknown, name: WorkflowField): string | undefined {
  if (value === undefined || typeof value === 'string') return value
  throw new FirehouseError('INVALID_ARGUMENT', `Invalid argument: ${name} must be a string`)
}

/** Whether `text` holds only characters XML 1.0 can carry: the comment's rule, which imported text follows too. */
export function isXmlText(text: string): boolean {
  return !FORBIDDEN_IN_COMMENT.test(text)
}

/** Characters as SPEC counts them: Unicode code points (an emoji is one, not two UTF-16 units). */
function codePointCount(text: string): number {
  let codePoints = 0
  for (const _ of text) codePoints++
  return codePoints
}

/**
 * Whether `text` has more than `max` code points. A text of at most `max` UTF-16 units cannot (a
 * code point takes one or two), and is not walked: the walk allocates a string per character, and
 * an import checks five text fields per row.
 */
export function moreCodePointsThan(text: string, max: number): boolean {
  return text.length > max && codePointCount(text) > max
}

/** A comment is at most 10,000 code points of text that XML 1.0 can carry; `field` names it in the refusal (v7 calls it note). */
export function checkComment(comment: string, field = 'comment'): void {
  if (!isXmlText(comment)) {
    throw new FirehouseError('COMMENT_INVALID_CHARACTER', `${field} contains a character that is not allowed`)
  }
  if (moreCodePointsThan(comment, MAX_COMMENT_CODE_POINTS)) {
    throw new FirehouseError(
      'COMMENT_TOO_LONG',
      `${field} is longer than ${MAX_COMMENT_CODE_POINTS} characters`,
    )
  }
}
