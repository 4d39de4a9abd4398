// The rules for a survey record as it is imported: known fields checked, the rest kept as extras.

import { FirehouseError } from './errors.js'
import { parseCgid } from './workflow-input.js'

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

export const DETRACTOR_MAX_NPS = 6
const MAX_TEXT_LENGTH = 10_000
const MAX_EXTRA_JSON_LENGTH = 64 * 1024
const TEXT_FIELDS = ['comment', 'account', 'email', 'first_name', 'last_name'] as const
const KNOWN_FIELDS: ReadonlySet<string> = new Set(['number_customergauge', 'nps', 'date_creation', ...TEXT_FIELDS])
// ISO 8601 date, optionally with a time and an offset.
const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/

/** Checks one row (from CSV, JSON or NDJSON) and returns the record it describes. */
export function parseSurveyRecord(row: Readonly<Record<string, unknown>>): SurveyRecordInput {
  const cgid = row.number_customergauge
  if (cgid === undefined || cgid === null || (typeof cgid === 'string' && cgid.trim() === '')) {
    throw new FirehouseError('MISSING_ARGUMENT', 'number_customergauge is missing')
  }
  const text = (name: (typeof TEXT_FIELDS)[number]): string | null => textField(row, name)
  return {
    numberCustomergauge: parseCgid(typeof cgid === 'string' ? cgid.trim() : cgid),
    nps: parseNps(row.nps),
    comment: text('comment'),
    account: text('account'),
    email: text('email'),
    firstName: text('first_name'),
    lastName: text('last_name'),
    dateCreation: parseDate(row.date_creation),
    extra: extraFields(row),
  }
}

export function isDetractor(record: Pick<SurveyRecordInput, 'nps'>): boolean {
  return record.nps !== null && record.nps <= DETRACTOR_MAX_NPS
}

function parseNps(value: unknown): number | null {
  if (value === undefined || value === null || value === '') return null
  const nps = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d{1,2}\s*$/.test(value) ? Number(value) : NaN
  if (!Number.isInteger(nps) || nps < 0 || nps > 10) {
    throw new FirehouseError('INVALID_ARGUMENT', 'nps must be an integer from 0 to 10')
  }
  return nps
}

function parseDate(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null
  if (typeof value !== 'string' || !ISO_8601.test(value.trim()) || Number.isNaN(Date.parse(value.trim()))) {
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
  if (text.length > MAX_TEXT_LENGTH) {
    throw new FirehouseError('INVALID_ARGUMENT', `${name} is longer than ${MAX_TEXT_LENGTH} characters`)
  }
  return text
}

function extraFields(row: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const extra: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(row)) {
    // Prototype keys are never copied: a row cannot pollute objects built from it.
    if (KNOWN_FIELDS.has(name) || name === '__proto__' || name === 'constructor' || name === 'prototype') continue
    extra[name] = value
  }
  if (JSON.stringify(extra).length > MAX_EXTRA_JSON_LENGTH) {
    throw new FirehouseError('INVALID_ARGUMENT', 'The record has more than 64 KiB of other fields')
  }
  return extra
}
