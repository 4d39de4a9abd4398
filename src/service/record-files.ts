// Reads a records file (CSV with a header row, JSON array or NDJSON) into rows with line numbers.

import { parse as parseCsv } from 'csv-parse/sync'
import { FirehouseError, isFirehouseError } from '../domain/errors.js'
import { MAX_JSON_DEPTH, scanJsonShape, type JsonShape, type WrittenRecord } from '../domain/json-shape.js'

export const RECORD_FILE_FORMATS = ['csv', 'json', 'ndjson'] as const
export type RecordFileFormat = (typeof RECORD_FILE_FORMATS)[number]

/** One row and where it starts: the physical line (CSV, NDJSON) or 1-based element index (JSON). */
export interface NumberedRow extends WrittenRecord {
  line: number
  fields: Record<string, unknown>
}

export function parseRecordFile(text: string, format: RecordFileFormat): NumberedRow[] {
  switch (format) {
    case 'csv':
      return parseCsvRows(text)
    case 'json':
      return parseJsonArray(text)
    case 'ndjson':
      return parseNdjson(text)
  }
}

/** Guesses the format of a file without a telling name: '[' is JSON, '{' NDJSON, else CSV. */
export function sniffRecordFileFormat(text: string): RecordFileFormat {
  const first = text.replace(/^\uFEFF/, '').trimStart()[0]
  return first === '[' ? 'json' : first === '{' ? 'ndjson' : 'csv'
}

export function badRow(line: number, reason: string, cause?: unknown): FirehouseError {
  return new FirehouseError('INVALID_ARGUMENT', `line ${line}: ${reason}`, { cause })
}

interface CsvRecord {
  record: Record<string, string>
  info: { lines: number }
  raw: string
}

function parseCsvRows(text: string): NumberedRow[] {
  let records: CsvRecord[]
  try {
    const options = { columns: uniqueColumns, raw: true, info: true, skip_empty_lines: true, bom: true }
    records = parseCsv(text, options) as CsvRecord[]
  } catch (error) {
    if (isFirehouseError(error)) throw error
    const line = (error as { lines?: number }).lines ?? 1
    throw badRow(line, (error as Error).message.replace(/ on line \d+$| at line \d+$/, ''), error)
  }
  return records.map(({ record, info, raw }) => ({ line: csvStartLine(info.lines, raw), fields: record }))
}

/** The header row's names; one given twice is refused (csv-parse would keep the later column's values). */
function uniqueColumns(header: string[]): string[] {
  const seen = new Set<string>()
  for (const name of header) {
    if (seen.has(name)) throw badRow(1, `the column ${JSON.stringify(name)} is given more than once`)
    seen.add(name)
  }
  return header
}

/** csv-parse reports the line a record ends on; its raw text tells how many lines it spans. */
function csvStartLine(endLine: number, raw: string): number {
  const body = raw.replace(/^(\r?\n)+/, '').replace(/\r?\n$/, '')
  return endLine - (body.match(/\n/g)?.length ?? 0)
}

function parseJsonArray(text: string): NumberedRow[] {
  // Scanned before it is parsed: deep nesting is refused before it costs anything (domain/json-shape.ts).
  const shape = scanJsonShape(text, 'array')
  if (shape.tooDeepAt !== -1) throw tooDeep(shape.record + 1)
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new FirehouseError('MALFORMED_BODY', 'The file is not valid JSON', { cause: error })
  }
  if (!Array.isArray(parsed)) throw new FirehouseError('MALFORMED_BODY', 'A JSON records file must hold an array')
  return parsed.map((element, index) => jsonRow(index + 1, element, shape, index))
}

function parseNdjson(text: string): NumberedRow[] {
  const { lines, shape } = scanNdjson(text)
  const rows: NumberedRow[] = []
  lines.forEach((content, index) => addNdjsonRow(rows, content, index, shape))
  return rows
}

/** NDJSON lines parsed between two turns of the event loop (~5 ms): see parseNdjsonInSlices. */
const NDJSON_SLICE_LINES = 5_000

/**
 * NDJSON as parseRecordFile reads it, the same checks in the same order, calling `between` after
 * the first scan for nesting and then every `sliceLines` lines: on the writer thread the other
 * calls are answered meanwhile (a 10 MiB file takes 60–90 ms to parse, of which the scan 15–30).
 */
export async function parseNdjsonInSlices(text: string, between: () => Promise<void>, sliceLines = NDJSON_SLICE_LINES): Promise<NumberedRow[]> {
  const { lines, shape } = scanNdjson(text)
  const rows: NumberedRow[] = []
  // An index loop: entries() allocates a pair per line, ~6 % of what an import allocates.
  for (let index = 0; index < lines.length; index++) {
    if (index % sliceLines === 0) await between()
    addNdjsonRow(rows, lines[index]!, index, shape)
  }
  return rows
}

/** The file's lines, once no record is nested too deep (checked first, before any line is parsed). */
function scanNdjson(text: string): { lines: string[]; shape: JsonShape } {
  const shape = scanJsonShape(text, 'lines')
  if (shape.tooDeepAt !== -1) throw tooDeep(shape.record + 1)
  return { lines: text.split('\n'), shape }
}

function addNdjsonRow(rows: NumberedRow[], content: string, index: number, shape: JsonShape): void {
  if (content.trim() === '') return
  let parsed: unknown
  try {
    parsed = JSON.parse(content)
  } catch (error) {
    throw badRow(index + 1, 'not valid JSON', error)
  }
  rows.push(jsonRow(index + 1, parsed, shape, index))
}

function tooDeep(line: number): FirehouseError {
  return badRow(line, `nested deeper than ${MAX_JSON_DEPTH} arrays and objects`)
}

/** A parsed record, with what its text told that the value does not (see NumberedRow). */
function jsonRow(line: number, value: unknown, shape: JsonShape, index: number): NumberedRow {
  return { line, fields: asObject(value, line), members: shape.members[index], numberTexts: shape.numberTexts.get(index) }
}

function asObject(value: unknown, line: number): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRow(line, 'a record must be an object')
  return value as Record<string, unknown>
}
