// What JSON.parse does not tell: how deep a JSON text nests, and how its records' members were written.

/**
 * The deepest nesting of arrays and objects any JSON input may have (a body, a file, an NDJSON
 * line; the outermost value counts as 1). Deeper input would overflow the stack of the recursive
 * code that meets it later (JSON.stringify, a recursive-descent parser), and no record needs it.
 */
export const MAX_JSON_DEPTH = 32

/**
 * Where a text's records are: none ('value', one JSON value), the elements of its top-level array
 * ('array'), or its lines ('lines', NDJSON: each line is a JSON value of its own).
 */
export type JsonLayout = 'value' | 'array' | 'lines'

export interface JsonShape {
  /** Where the text first nests deeper than MAX_JSON_DEPTH (an offset), or -1. */
  tooDeepAt: number
  /** The record being read at that offset: its 0-based index (the element, or the line). */
  record: number
  /** By record index, the members of each record that is an object, repeated names included. */
  members: number[]
  /** By record index, the members whose value is a number not written in decimal digits (1E2, 1.0, -3): name → that text. */
  numberTexts: Map<number, Record<string, string>>
}

/** What the text of one JSON record told that its parsed value does not (absent for other rows, e.g. CSV). */
export interface WrittenRecord {
  /** Its members as written, repeated names included: JSON.parse keeps one of each name. */
  members?: number
  /** Its members whose value is a number not written in decimal digits: name → that text. */
  numberTexts?: Readonly<Record<string, string>>
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const NEWLINE = 0x0a
const COMMA = 0x2c
const COLON = 0x3a
const MINUS = 0x2d
const DIGIT_0 = 0x30
const DIGIT_9 = 0x39
const OPEN_ARRAY = 0x5b
const CLOSE_ARRAY = 0x5d
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d
const RECORD_DEPTH: Record<JsonLayout, number> = { value: 0, array: 2, lines: 1 }

/**
 * Reads `text` in one pass without building it, so it can run before any parser: JSON.parse
 * takes about a second per million levels, a recursive parser overflows its stack. Meant for text
 * JSON.parse reads next: on malformed JSON it stops at nothing, and tells nothing reliable but
 * the depth.
 */
export function scanJsonShape(text: string, layout: JsonLayout): JsonShape {
  const recordDepth = RECORD_DEPTH[layout]
  const shape: JsonShape = { tooDeepAt: -1, record: 0, members: [], numberTexts: new Map() }
  let depth = 0
  let inRecord = false
  // A line's end: a string never spans one (JSON strings hold no raw line break), even unterminated.
  let lineEnd = layout === 'lines' ? lineEndAfter(text, 0) : text.length
  // The last string read at the record depth: a member's name when a number value follows it.
  let nameStart = 0
  let nameEnd = 0
  for (let at = 0; at < text.length; at++) {
    const char = text.charCodeAt(at)
    if (char === QUOTE) {
      const end = Math.min(stringEnd(text, at), lineEnd)
      if (depth === recordDepth) {
        nameStart = at
        nameEnd = end + 1
      }
      at = end === lineEnd ? end - 1 : end
    } else if (char === OPEN_OBJECT || char === OPEN_ARRAY) {
      if (++depth > MAX_JSON_DEPTH) return { ...shape, tooDeepAt: at }
      if (depth === recordDepth && char === OPEN_OBJECT) {
        shape.members[shape.record] = 0
        inRecord = true
      }
    } else if (char === CLOSE_OBJECT || char === CLOSE_ARRAY) {
      if (depth-- === recordDepth) inRecord = false
    } else if (char === NEWLINE && layout === 'lines') {
      // Each line is a value of its own, whatever the line before left open.
      depth = 0
      inRecord = false
      lineEnd = lineEndAfter(text, at + 1)
      shape.record++
    } else if (inRecord && depth === recordDepth) {
      if (char === COLON) shape.members[shape.record]!++
      else if (char === MINUS || isDigit(char)) {
        const end = numberEnd(text, at)
        if (!isDecimalDigits(text, at, end)) keepNumberText(shape, memberName(text.slice(nameStart, nameEnd)), text.slice(at, end))
        at = end - 1
      }
    } else if (char === COMMA && depth === 1 && layout === 'array') shape.record++
  }
  return shape
}

/** Where `text` first nests deeper than MAX_JSON_DEPTH (an offset), or -1. */
export function findTooDeep(text: string): number {
  return scanJsonShape(text, 'value').tooDeepAt
}

function keepNumberText(shape: JsonShape, name: string, written: string): void {
  const texts = shape.numberTexts.get(shape.record) ?? (Object.create(null) as Record<string, string>)
  texts[name] = written
  shape.numberTexts.set(shape.record, texts)
}

function lineEndAfter(text: string, start: number): number {
  const end = text.indexOf('\n', start)
  return end === -1 ? text.length : end
}

/** The offset of the quote that closes the string opened at `open` (or the text's length when none does). */
function stringEnd(text: string, open: number): number {
  for (let at = open; ; ) {
    at = text.indexOf('"', at + 1)
    if (at === -1) return text.length
    let backslashes = 0
    while (text.charCodeAt(at - 1 - backslashes) === BACKSLASH) backslashes++
    if (backslashes % 2 === 0) return at
  }
}

function numberEnd(text: string, start: number): number {
  let at = start + 1
  while (at < text.length && isNumberChar(text.charCodeAt(at))) at++
  return at
}

function isDigit(char: number): boolean {
  return char >= DIGIT_0 && char <= DIGIT_9
}

/** Digits, '.', 'e', 'E', '+' and '-': the characters a JSON number is made of. */
function isNumberChar(char: number): boolean {
  return isDigit(char) || char === 0x2e || char === 0x65 || char === 0x45 || char === 0x2b || char === MINUS
}

function isDecimalDigits(text: string, start: number, end: number): boolean {
  for (let at = start; at < end; at++) if (!isDigit(text.charCodeAt(at))) return false
  return true
}

/** A member's name from its quoted source text, escapes decoded as JSON.parse decodes them. */
function memberName(quoted: string): string {
  if (!quoted.includes('\\')) return quoted.slice(1, -1)
  try {
    return JSON.parse(quoted) as string
  } catch {
    return quoted.slice(1, -1)
  }
}
