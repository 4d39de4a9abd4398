// Cases as flat rows for people and spreadsheets: a table for `cases list`, CSV for `cases export`.

import { stringify } from 'csv-stringify/sync'
import type { CaseJson } from '../service/case-view.js'

/** The scalar fields of a case (SPEC §4) that a row shows; the history goes only to NDJSON. */
export const CASE_COLUMNS = [
  'number_customergauge',
  'status',
  'status_code',
  'status_label',
  'assigned_to',
  'opened_at',
  'followed_up_at',
  'closed_at',
  'updated_at',
  'time_to_follow_up_s',
  'time_to_close_s',
  'version',
] as const

export type CaseRow = Pick<CaseJson, (typeof CASE_COLUMNS)[number]>

// A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/

/** A text cell a spreadsheet would run as a formula gets a leading apostrophe, which it shows as text. */
export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value
}

/** CSV lines for these cases; the header row only when asked (the first page of an export). */
export function casesToCsv(cases: readonly CaseJson[], withHeader: boolean): string {
  const rows = cases.map((entry) =>
    CASE_COLUMNS.map((column) => {
      const value = entry[column]
      return typeof value === 'string' ? neutraliseFormula(value) : value
    }),
  )
  return stringify(rows, { header: withHeader, columns: [...CASE_COLUMNS], cast: { number: String } })
}
