// Import throughput: NDJSON posted to POST /api/v1/records in chunks of at most 10 MiB, timed.

import { importLine } from './records.js'

const CHUNK_LIMIT_BYTES = 10 * 1024 * 1024 - 1024

export interface ImportResult {
  records: number
  chunks: number
  seconds: number
  recordsPerS: number
}

/** Imports CG-IDs 1 … records into the server's tenant, one chunk after the other. */
export async function runImport(url: string, apiKey: string, records: number): Promise<ImportResult> {
  if (new URL(url).hostname !== '127.0.0.1') throw new Error(`import goes to 127.0.0.1 only, not ${url}`)
  let chunks = 0
  let seconds = 0
  for (const body of ndjsonChunks(records)) {
    // Only the server's work is timed, not building the chunk.
    const started = performance.now()
    const response = await fetch(`${url}/api/v1/records`, {
      method: 'POST',
      headers: { authorization: `api_key ${apiKey}`, 'content-type': 'application/x-ndjson' },
      body,
    })
    const answer = await response.text()
    seconds += (performance.now() - started) / 1000
    if (!response.ok) throw new Error(`import chunk ${chunks + 1} answered ${response.status}: ${answer.slice(0, 300)}`)
    chunks++
  }
  return { records, chunks, seconds, recordsPerS: records / seconds }
}

function* ndjsonChunks(records: number): Generator<string> {
  let lines: string[] = []
  let size = 0
  for (let cgid = 1; cgid <= records; cgid++) {
    const line = importLine(cgid)
    if (size + line.length + 1 > CHUNK_LIMIT_BYTES) {
      yield lines.join('\n')
      lines = []
      size = 0
    }
    lines.push(line)
    size += line.length + 1
  }
  if (lines.length > 0) yield lines.join('\n')
}
