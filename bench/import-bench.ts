// Import throughput: NDJSON posted to POST /api/v1/records in chunks of at most 10 MiB, timed;
// meanwhile another tenant reads and changes a case, one call after the other, and each of its
// calls is timed (issue 17: an import must not stop everyone else).

import { importLine } from './records.js'
import { NEIGHBOUR_CGID } from './seed.js'

const CHUNK_LIMIT_BYTES = 10 * 1024 * 1024 - 1024

export interface ImportResult {
  records: number
  chunks: number
  seconds: number
  recordsPerS: number
  /** The other tenant's calls while the import ran: its reads of a case and its v4.1 changes. */
  neighbour?: { reads: CallTimes; writes: CallTimes }
}

export interface CallTimes {
  calls: number
  failed: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

/** The other tenant, whose calls are timed during the import. */
export interface Neighbour {
  apiKey: string
  assignee: string
}

/** Imports CG-IDs 1 … records into the server's tenant, one chunk after the other. */
export async function runImport(url: string, apiKey: string, records: number, neighbour?: Neighbour): Promise<ImportResult> {
  if (new URL(url).hostname !== '127.0.0.1') throw new Error(`import goes to 127.0.0.1 only, not ${url}`)
  const bodies = builtChunks(records)
  if (!neighbour) return importChunks(url, apiKey, bodies, records)
  const write = () => neighbourWrite(url, neighbour)
  // The case exists before the import starts: every read during it finds one.
  if (!(await write())) throw new Error('the neighbour tenant could not change its case')
  let importing = true
  const read = () => neighbourRead(url, neighbour)
  const timed = Promise.all([timeWhile(() => importing, read), timeWhile(() => importing, write)])
  try {
    const result = await importChunks(url, apiKey, bodies, records)
    importing = false
    const [reads, writes] = await timed
    return { ...result, neighbour: { reads, writes } }
  } finally {
    importing = false
  }
}

async function importChunks(url: string, apiKey: string, bodies: readonly string[], records: number): Promise<ImportResult> {
  let chunks = 0
  let seconds = 0
  for (const body of bodies) {
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

/**
 * Every chunk, built before the first is sent and before the other tenant's calls are timed
 * (~10 MiB each, ~210 MiB for 1 M records). Built on the way, a chunk held this process's event
 * loop for 30–60 ms, and those calls, timed on the same loop, counted that wait as the server's.
 */
function builtChunks(records: number): string[] {
  return [...ndjsonChunks(records)]
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

/** Calls `call` one after the other while `going()`, and sums up how long each took. */
async function timeWhile(going: () => boolean, call: () => Promise<boolean>): Promise<CallTimes> {
  const times: number[] = []
  let failed = 0
  while (going()) {
    const started = performance.now()
    if (!(await call())) failed++
    times.push(performance.now() - started)
  }
  times.sort((a, b) => a - b)
  const at = (share: number) => times[Math.min(times.length - 1, Math.floor(share * times.length))] ?? 0
  return { calls: times.length, failed, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: times.at(-1) ?? 0 }
}

async function neighbourRead(url: string, neighbour: Neighbour): Promise<boolean> {
  const response = await fetch(`${url}/api/v1/cases/${NEIGHBOUR_CGID}`, { headers: { authorization: `api_key ${neighbour.apiKey}` } })
  await response.arrayBuffer()
  return response.ok
}

async function neighbourWrite(url: string, neighbour: Neighbour): Promise<boolean> {
  const response = await fetch(`${url}/v4.1/workflow.json`, {
    method: 'POST',
    headers: { authorization: `api_key ${neighbour.apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ number_customergauge: String(NEIGHBOUR_CGID), comment: 'Called the customer back', assigned_to: neighbour.assignee }),
  })
  await response.arrayBuffer()
  return response.ok
}

