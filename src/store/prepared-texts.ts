// The statement texts PostgreSQL connections prepare once and then only execute: compiledOnce's
// templates, which are run again and again with other values. Any other text is sent unnamed,
// parsed and planned each time, so that one-off statements do not pile up on the connections.

import { createHash } from 'node:crypto'

const names = new Map<string, string>()

/** Marks a template's text for preparing; its name is derived from the text, so one text has one name. */
export function markForPreparing(text: string): void {
  if (!names.has(text)) names.set(text, `fh_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`)
}

/** The prepared statement's name for this text, or undefined for a text sent unnamed. */
export function preparedName(text: string): string | undefined {
  return names.get(text)
}
