// The rules for a survey record as it is imported: known fields checked, the rest kept as extras.

import { parseIsoDateTime } from './date-time.js'
import { FirehouseError } from './errors.js'
import type { WrittenRecord } from './json-shape.js'
import { isXmlText, MAX_CGID, moreCodePointsThan, parseCgid } from './workflow-input.js'

export interface SurveyRecordInput {
  numberCustomergauge: number
  nps: number | null
  comment: string | null
  account: string | null
  email: string | null
  firstName: string | null
  lastName: string | null
  dateCreation: string | null
  /** Every other field of the row. */
  extra: Record<string, unknown>
}

/** A record's text field, like the v4.1 comment: at most this many characters (Unicode code points). */
export const MAX_RECORD_TEXT_CODE_POINTS = 10_000
const MAX_EXTRA_JSON_LENGTH = 64 * 1024
const TEXT_FIELDS = ['comment', 'account', 'email', 'first_name', 'last_name'] as const
const KNOWN_FIELDS: ReadonlySet<string> = new Set(['number_customergauge', 'nps', 'date_creation', ...TEXT_FIELDS])

/**
 * Checks one row (from CSV, JSON or NDJSON) and returns the record it describes. For a JSON row,
 * `written` tells what its parsed value hides: a field given twice is refused, as on v4.1; and
 * the integer fields take decimal digits only (SPEC §1), so 1E2 and 1.0 are refused though their
 * values are whole numbers.
 */
export function parseSurveyRecord(row: Readonly<Record<string, unknown>>, written: WrittenRecord = {}): SurveyRecordInput {
  const cgid = row.number_customergauge
  if (cgid === undefined || cgid === null || (typeof cgid === 'string' && cgid.trim() === '')) {
    throw new FirehouseError('MISSING_ARGUMENT', 'number_customergauge is missing')
  }
  requireDecimalDigits(written, 'number_customergauge', `an integer from 1 to ${MAX_CGID}`)
  const numberCustomergauge = parseCgid(typeof cgid === 'string' ? cgid.trim() : cgid)
  requireDecimalDigits(written, 'nps', 'an integer from 0 to 10')
  const text = (name: (typeof TEXT_FIELDS)[number]): string | null => textField(row, name)
  return {
    numberCustomergauge,
    nps: parseNps(row.nps),
    comment: text('comment'),
    account: text('account'),
    email: text('email'),
    firstName: text('first_name'),
    lastName: text('last_name'),
    dateCreation: parseDate(row.date_creation),
    extra: extraFields(row, written.members),
  }
}

function requireDecimalDigits({ numberTexts }: WrittenRecord, name: string, rule: string): void {
  if (numberTexts !== undefined && Object.hasOwn(numberTexts, name)) {
    throw new FirehouseError('INVALID_ARGUMENT', `${name} must be ${rule} written in decimal digits`)
  }
}

/** A record's known fields by the names an import gives them (and its stored columns have). */
export function knownFieldsOf(record: SurveyRecordInput) {
  return {
    number_customergauge: record.numberCustomergauge,
    nps: record.nps,
    comment: record.comment,
    account: record.account,
    email: record.email,
    first_name: record.firstName,
    last_name: record.lastName,
    date_creation: record.dateCreation,
  }
}

/** A record's field by the name an import gives it: a known one (nps, first_name …) or an extra. */
export function recordField(record: SurveyRecordInput, name: string): unknown {
  const known: Record<string, unknown> = knownFieldsOf(record)
  return Object.hasOwn(known, name) ? known[name] : Object.hasOwn(record.extra, name) ? record.extra[name] : undefined
}

function parseNps(value: unknown): number | null {
  if (value === undefined || value === null || value === '') return null
  const nps = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d{1,2}\s*$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(nps) || nps < 0 || nps > 10) {
    throw new FirehouseError('INVALID_ARGUMENT', 'nps must be an integer from 0 to 10')
  }
  return nps
}

/** An ISO 8601 date or date-time of a day that exists, kept as written (trimmed). */
function parseDate(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null
  if (typeof value !== 'string' || parseIsoDateTime(value.trim()) === undefined) {
    throw new FirehouseError('INVALID_ARGUMENT', 'date_creation must be an ISO 8601 date')
  }
  return value.trim()
}

function textField(row: Readonly<Record<string, unknown>>, name: string): string | null {
  const value = row[name]
  if (value === undefined || value === null || value === '') return null
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new FirehouseError('INVALID_ARGUMENT', `${name} must be text`)
  }
  const text = String(value)
  if (!isXmlText(text)) throw new FirehouseError('INVALID_ARGUMENT', `${name} contains a character that is not allowed`)
  if (moreCodePointsThan(text, MAX_RECORD_TEXT_CODE_POINTS)) {
    throw new FirehouseError('INVALID_ARGUMENT', `${name} is longer than ${MAX_RECORD_TEXT_CODE_POINTS} characters`)
  }
  return text
}

/** The fields that are not known ones; `members`, where known, is how many fields the row was written with. */
function extraFields(row: Readonly<Record<string, unknown>>, members: number | undefined): Record<string, unknown> {
  const extra: Record<string, unknown> = {}
  let fields = 0
  for (const name in row) {
    fields++
    // Prototype keys are never copied: a row cannot pollute objects built from it.
    if (KNOWN_FIELDS.has(name) || name === '__proto__' || name === 'constructor' || name === 'prototype') continue
    extra[name] = row[name]
  }
  if (members !== undefined && members !== fields) throw new FirehouseError('INVALID_ARGUMENT', 'a field is given more than once')
  if (!holdsOnlyXmlText(extra)) {
    throw new FirehouseError('INVALID_ARGUMENT', 'a field name or value contains a character that is not allowed')
  }
  if (JSON.stringify(extra).length > MAX_EXTRA_JSON_LENGTH) {
    throw new FirehouseError('INVALID_ARGUMENT', 'The record has more than 64 KiB of other fields')
  }
  return extra
}

/** Whether every string in `value`, member names included, is text XML 1.0 can carry (the comment's rule). */
function holdsOnlyXmlText(value: unknown): boolean {
  if (typeof value === 'string') return isXmlText(value)
  if (typeof value !== 'object' || value === null) return true
  // Nesting is bounded (domain/json-shape.ts), so this recursion is too.
  for (const name in value) {
    if (!isXmlText(name) || !holdsOnlyXmlText((value as Record<string, unknown>)[name])) return false
  }
  return true
}
