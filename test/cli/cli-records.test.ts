// `records import`: CSV, JSON, NDJSON and stdin; counts; auto-opened cases; all or nothing on a bad row.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assertOneLineFailure, createWorkspace } from './cli-process.js'

interface CaseView {
  status: string | null
  history: { seq: number; actor: string; status_from: string | null; status_to: string }[]
}

const CSV = [
  'number_customergauge,nps,comment,account,date_creation',
  '1,3,"Slow support,',
  'and ""rude"" too",Acme,2026-11-27T10:00:00Z',
  '2,9,Great,Acme,2026-11-27',
  '3,6,Meh,Beta,',
  '',
].join('\n')

test('records import reads CSV with a multi-line cell, a JSON array, NDJSON and stdin, counts what it did, and opens cases for detractors', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  const csv = await ws.file('responses.csv', CSV)
  const json = await ws.file(
    'responses.json',
    JSON.stringify([
      { number_customergauge: 4, nps: 0, extra_field: 'kept' },
      { number_customergauge: '5', nps: 7 },
    ]),
  )
  const ndjson = await ws.file(
    'responses.ndjson',
    '{"number_customergauge":6,"nps":10}\n\n{"number_customergauge":7,"nps":2,"comment":"No"}\n',
  )

  const [fromCsv, fromJson, fromNdjson, fromStdin] = await Promise.all([
    ws.json(['records', 'import', 'acme', csv]),
    ws.ok(['records', 'import', 'acme', json]),
    ws.json(['records', 'import', 'acme', ndjson]),
    ws.json(['records', 'import', 'acme', '-'], 'number_customergauge,nps\n8,5\n9,8\n'),
  ])
  assert.deepEqual(fromCsv, { imported: 3, updated: 0, opened: 2 })
  assert.equal(fromJson, 'Imported 2 new and 0 updated records; opened 1 cases\n')
  assert.deepEqual(fromNdjson, { imported: 2, updated: 0, opened: 1 })
  assert.deepEqual(fromStdin, { imported: 2, updated: 0, opened: 1 })

  // Importing again updates the records; a detractor that already has its case gets no second one.
  assert.deepEqual(await ws.json(['records', 'import', 'acme', csv]), {
    imported: 0,
    updated: 3,
    opened: 0,
  })

  const views = await Promise.all(
    [1, 2, 3, 4].map((cgid) => ws.json<CaseView>(['case', 'show', 'acme', String(cgid)])),
  )
  assert.deepEqual(
    views.map((view) => [
      view.status,
      view.history.map(({ seq, actor, status_from, status_to }) => ({
        seq,
        actor,
        status_from,
        status_to,
      })),
    ]),
    [
      ['OPEN', [{ seq: 1, actor: 'import', status_from: null, status_to: 'OPEN' }]],
      [null, []],
      ['OPEN', [{ seq: 1, actor: 'import', status_from: null, status_to: 'OPEN' }]],
      ['OPEN', [{ seq: 1, actor: 'import', status_from: null, status_to: 'OPEN' }]],
    ],
  )
})

test('records import opens no case for detractors of a tenant created with --no-auto-open', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'quiet', '--no-auto-open'])
  const file = await ws.file(
    'responses.ndjson',
    '{"number_customergauge":1,"nps":0}\n{"number_customergauge":2,"nps":6}\n',
  )
  assert.deepEqual(await ws.json(['records', 'import', 'quiet', file]), {
    imported: 2,
    updated: 0,
    opened: 0,
  })
  const view = await ws.json<CaseView>(['case', 'show', 'quiet', '1'])
  assert.deepEqual([view.status, view.history], [null, []])
})

test('imports running at the same time into one database all succeed', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  // Big enough that the imports' transactions overlap; each CG-ID range is its own.
  const files = await Promise.all(
    [1, 2, 3].map((batch) => {
      const rows = Array.from({ length: 3000 }, (_, index) => ({
        number_customergauge: batch * 100_000 + index,
        nps: index % 11,
      }))
      return ws.file(`batch-${batch}.json`, JSON.stringify(rows))
    }),
  )
  // Three processes, as three operators at their shells: each its own connection and lock waits.
  const reports = await Promise.all(
    files.map(async (file) => {
      const result = await ws.runProcess(['records', 'import', 'acme', file, '--json'])
      assert.deepEqual([result.code, result.stderr], [0, ''])
      return JSON.parse(result.stdout) as unknown
    }),
  )
  const opened = Array.from({ length: 3000 }, (_, index) => index % 11).filter(
    (nps) => nps <= 6,
  ).length
  assert.deepEqual(
    reports,
    [1, 2, 3].map(() => ({ imported: 3000, updated: 0, opened })),
  )
})

test('a bad row rejects the whole file with one line naming where the row starts, and nothing of the file is imported', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  // `file` '-' sends `text` on stdin.
  const bad: { file: string; text: string; reason: RegExp }[] = [
    // The header is line 1; row 10 spans lines 2-4, so the bad row after it starts on line 6.
    {
      file: 'nps.csv',
      text: 'number_customergauge,nps,comment\n10,3,"one\ntwo\nthree"\n11,9,ok\n12,11,too high\n',
      reason: /^error: line 6: nps must be an integer from 0 to 10\n$/,
    },
    {
      file: 'cgid.csv',
      text: 'number_customergauge,nps\n20,1\n,5\n',
      reason: /^error: line 3: number_customergauge is missing\n$/,
    },
    {
      file: 'date.csv',
      text: 'number_customergauge,nps,date_creation\n30,2,2026-11-27\n31,2,27/11/2026\n',
      reason: /^error: line 3: date_creation must be an ISO 8601 date\n$/,
    },
    {
      file: 'nps.ndjson',
      text: '{"number_customergauge":40,"nps":1}\n\n{"number_customergauge":41,"nps":"x"}\n',
      reason: /^error: line 3: nps must be an integer from 0 to 10\n$/,
    },
    {
      file: 'date.json',
      text: JSON.stringify(
        [
          { number_customergauge: 50, nps: 2 },
          { number_customergauge: 51, nps: 3 },
          { number_customergauge: 52, date_creation: 'yesterday' },
        ],
        null,
        2,
      ),
      reason: /^error: (line|element) 3: date_creation must be an ISO 8601 date\n$/,
    },
    {
      file: '-',
      text: '{"number_customergauge":60,"nps":4}\n{"nps":4}\n',
      reason: /^error: line 2: number_customergauge is missing\n$/,
    },
  ]
  const results = await Promise.all(
    bad.map(async ({ file, text }) =>
      file === '-'
        ? ws.run(['records', 'import', 'acme', '-'], text)
        : ws.run(['records', 'import', 'acme', await ws.file(file, text)]),
    ),
  )
  results.forEach((result, index) => assertOneLineFailure(result, bad[index]!.reason, ws))

  // Nothing was written: not the good rows before the bad one, nor their auto-opened cases.
  assertOneLineFailure(await ws.run(['case', 'show', 'acme', '10']), /Workflow not found/, ws)
  const all = [10, 11, 20, 30, 40, 50, 51, 60].map((cgid) => ({
    number_customergauge: cgid,
    nps: 3,
  }))
  assert.deepEqual(await ws.json(['records', 'import', 'acme', '-'], JSON.stringify(all)), {
    imported: 8,
    updated: 0,
    opened: 8,
  })
})
