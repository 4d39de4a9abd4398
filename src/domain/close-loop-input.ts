// Validates the body of v7's PUT /v7/rest/close-loop/status (SPEC §10): everything that needs no database.

import { FirehouseError } from './errors.js'
import { readHappenedAt } from './happened-at.js'
import type { Phase } from './status.js'
import { checkComment, parseCgid, type RawField, type WorkflowInput } from './workflow-input.js'

export const CLOSE_LOOP_FIELDS = ['number_customergauge', 'status', 'note', 'happened_at'] as const
type CloseLoopField = (typeof CLOSE_LOOP_FIELDS)[number]

/**
 * v7's statuses are the three phases in lower case, exactly. Each is sent to the write as the
 * standard v4.1 word of its phase, so it takes the tenant's base status of that phase (the lowest
 * extended code of the phase, or the phase itself), as OPEN, PROGRESS and CLOSED do on v4.1.
 */
export const CLOSE_LOOP_STATUSES: Readonly<Record<string, Phase>> = { open: 'OPEN', progress: 'PROGRESS', closed: 'CLOSED' }

/**
 * The body as v4.1's write takes it. Strict, unlike v4.1: an unknown field or one given twice is
 * 300001 (a misspelt `nte` would otherwise drop the note silently). `number_customergauge` as on
 * v4.1 (a JSON integer or a string of digits, trimmed); `status` required; `note` is v4.1's
 * comment with its rules (400202, 400203); `happened_at` as on v4.1 (400207). A null or empty
 * `note` or `happened_at` counts as absent.
 */
export function parseCloseLoopStatus(fields: readonly RawField[]): WorkflowInput {
  const values = new Map<CloseLoopField, unknown>()
  for (const { name, value } of fields) {
    if (!(CLOSE_LOOP_FIELDS as readonly string[]).includes(name)) {
      throw invalid(`unknown field ${JSON.stringify(name.slice(0, 100))}; the fields are ${CLOSE_LOOP_FIELDS.join(', ')}`)
    }
    if (values.has(name as CloseLoopField)) throw invalid(`${name} is given more than once`)
    values.set(name as CloseLoopField, value)
  }
  const cgid = values.get('number_customergauge')
  if (cgid === undefined || cgid === null || (typeof cgid === 'string' && cgid.trim() === '')) {
    throw new FirehouseError('MISSING_ARGUMENT', 'Missing required argument: number_customergauge')
  }
  const input: WorkflowInput = {
    numberCustomergauge: parseCgid(typeof cgid === 'string' ? cgid.trim() : cgid),
    status: readStatus(values.get('status')),
  }
  const note = optionalText(values.get('note'), 'note')
  if (note !== undefined) {
    // v4.1's comment rules, in the note's name (400203, 400202).
    checkComment(note, 'note')
    input.comment = note
  }
  const happenedAt = optionalText(values.get('happened_at'), 'happened_at')?.trim()
  if (happenedAt !== undefined && happenedAt !== '') input.happenedAt = readHappenedAt(happenedAt)
  return input
}

function readStatus(value: unknown): string {
  if (value === undefined || value === null || value === '') {
    throw new FirehouseError('MISSING_ARGUMENT', 'Missing required argument: status (open, progress or closed)')
  }
  if (typeof value !== 'string') throw invalid('status must be a string: open, progress or closed')
  const phase = Object.hasOwn(CLOSE_LOOP_STATUSES, value) ? CLOSE_LOOP_STATUSES[value] : undefined
  if (phase === undefined) throw new FirehouseError('INVALID_STATUS', `Invalid status: ${value.slice(0, 100)} (use open, progress or closed, in lower case)`)
  return phase
}

function optionalText(value: unknown, name: CloseLoopField): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value !== 'string') throw invalid(`${name} must be a string`)
  return value
}

function invalid(reason: string): FirehouseError {
  return new FirehouseError('INVALID_ARGUMENT', `Invalid argument: ${reason}`)
}
