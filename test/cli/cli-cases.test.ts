// `cases list` (one page of the feed and its cursor) and `cases export` (the whole feed as CSV or NDJSON).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { assertOneLineFailure, createWorkspace } from './cli-process.js'

interface FeedPage {
  data: { number_customergauge: number; status: string; version: number; history: unknown[] }[]
  next_cursor: string
  end_of_stream: boolean
}

// Detractors 1, 3, 4 and 6 get a case; promoters 2 and 5 do not.
const NDJSON = [3, 9, 0, 6, 10, 2].map((nps, index) => JSON.stringify({ number_customergauge: index + 1, nps })).join('\n')

test('cases list pages the feed with a cursor; cases export writes every case as CSV or NDJSON', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  await ws.ok(['records', 'import', 'acme', await ws.file('r.ndjson', NDJSON)])

  const first = await ws.json<FeedPage>(['cases', 'list', 'acme', '--per-page', '3'])
  assert.deepEqual(first.data.map((entry) => entry.number_customergauge), [1, 3, 4])
  assert.equal(first.end_of_stream, false)
  const rest = await ws.json<FeedPage>(['cases', 'list', 'acme', '--per-page', '3', '--cursor', first.next_cursor])
  assert.deepEqual(rest.data.map((entry) => entry.number_customergauge), [6])
  assert.equal(rest.end_of_stream, true)
  const text = await ws.ok(['cases', 'list', 'acme', '--status', 'open'])
  assert.match(text, /End of the feed; resume later with --cursor c2\./)

  const [csvText, ndjsonText, emptyText] = await Promise.all([
    ws.ok(['cases', 'export', 'acme', '--format', 'csv']),
    ws.ok(['cases', 'export', 'acme', '--format', 'ndjson']),
    ws.ok(['cases', 'export', 'acme', '--format', 'csv', '--status', 'CLOSED']),
  ])
  const csv = parse(csvText, { columns: true }) as Record<string, string>[]
  assert.deepEqual(csv.map((row) => row.number_customergauge), ['1', '3', '4', '6'])
  assert.equal(csv[0]!.status, 'OPEN')
  assert.equal(csv[0]!.version, '1')
  const ndjson = ndjsonText.trim().split('\n').map((line) => JSON.parse(line) as FeedPage['data'][number])
  assert.deepEqual(ndjson.map((entry) => entry.number_customergauge), [1, 3, 4, 6])
  assert.deepEqual([ndjson[0]!.history.length, ndjson[0]!.version], [1, 1])

  assert.equal(emptyText.trim(), 'number_customergauge,status,status_code,status_label,assigned_to,opened_at,followed_up_at,closed_at,updated_at,time_to_follow_up_s,time_to_close_s,version')

  const [badFormat, badPerPage, badCursor, noTenant] = await Promise.all([
    ws.run(['cases', 'export', 'acme', '--format', 'xls']),
    ws.run(['cases', 'list', 'acme', '--per-page', '0']),
    ws.run(['cases', 'list', 'acme', '--cursor', 'nope']),
    ws.run(['cases', 'list', 'nobody']),
  ])
  assertOneLineFailure(badFormat, /^error: Invalid argument: --format must be csv or ndjson\n$/)
  assertOneLineFailure(badPerPage, /per_page must be an integer from 1 to 1000/)
  assertOneLineFailure(badCursor, /cursor is not one this server issued/)
  assertOneLineFailure(noTenant, /tenant/i)
})
