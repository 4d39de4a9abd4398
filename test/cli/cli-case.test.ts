// `case show` (the SPEC §4 case, history included) and `statuses set` (a tenant's extended status set).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assertOneLineFailure, createWorkspace, startServe, type Workspace } from './cli-process.js'

interface HistoryEntry {
  seq: number
  at: string
  actor: string
  status_from: string | null
  status_to: string
  assigned_from: string | null
  assigned_to: string | null
  comment: string | null
}

interface CaseView {
  number_customergauge: number
  status: string | null
  status_code: number | null
  status_label: string | null
  assigned_to: string | null
  opened_at: string | null
  followed_up_at: string | null
  closed_at: string | null
  updated_at: string | null
  history: HistoryEntry[]
}

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/
const STATUSES_CSV = 'code,label,phase\n0,New,OPEN\n50,Working,progress\n90,Solved,CLOSED\n'

/** The SPEC §4 fields of `case show` (which may print more); `--json` prints the same JSON. */
async function showCase(
  ws: Workspace,
  tenant: string,
  cgid: number,
  flags: string[] = [],
): Promise<CaseView> {
  const json = JSON.parse(await ws.ok(['case', 'show', tenant, String(cgid), ...flags])) as CaseView
  const {
    number_customergauge,
    status,
    status_code,
    status_label,
    assigned_to,
    opened_at,
    followed_up_at,
    closed_at,
    updated_at,
    history,
  } = json
  const entries = history.map(
    ({ seq, at, actor, status_from, status_to, assigned_from, assigned_to, comment }) => {
      assert.match(at, ISO_MS)
      return { seq, at, actor, status_from, status_to, assigned_from, assigned_to, comment }
    },
  )
  return {
    number_customergauge,
    status,
    status_code,
    status_label,
    assigned_to,
    opened_at,
    followed_up_at,
    closed_at,
    updated_at,
    history: entries,
  }
}

test('case show prints the SPEC §4 case: status null and no history before a case exists, then every change, oldest first', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme', '--extended-statuses'])
  const [, , key] = await Promise.all([
    ws.ok(['user', 'add', 'acme', 'des.patch@directness.net']),
    ws.ok(['statuses', 'set', 'acme', await ws.file('statuses.csv', STATUSES_CSV)]),
    ws.json<{ id: string; key: string }>(['key', 'create', 'acme']),
  ])
  await ws.ok(['records', 'import', 'acme', '-'], 'number_customergauge,nps\n12,2\n13,9\n')

  const [promoter, detractor] = await Promise.all([
    showCase(ws, 'acme', 13),
    showCase(ws, 'acme', 12),
  ])
  assert.deepEqual(promoter, {
    number_customergauge: 13,
    status: null,
    status_code: null,
    status_label: null,
    assigned_to: null,
    opened_at: null,
    followed_up_at: null,
    closed_at: null,
    updated_at: null,
    history: [],
  })
  const opened = detractor.opened_at!
  assert.match(opened, ISO_MS)
  assert.deepEqual(detractor, {
    number_customergauge: 12,
    status: 'OPEN',
    status_code: 0,
    status_label: 'New',
    assigned_to: null,
    opened_at: opened,
    followed_up_at: null,
    closed_at: null,
    updated_at: opened,
    history: [
      {
        seq: 1,
        at: opened,
        actor: 'import',
        status_from: null,
        status_to: 'OPEN',
        assigned_from: null,
        assigned_to: null,
        comment: null,
      },
    ],
  })

  const server = await startServe(
    t,
    ['--workers', '1', '--port', '0', '--db', ws.db],
    /^Firehouse listening on \S+/m,
  )
  const url = /^Firehouse listening on (\S+)/m.exec(server.stdout())![1]
  const answer = await fetch(`${url}/v4.1/workflow.json`, {
    method: 'POST',
    headers: {
      authorization: `api_key ${key.key}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({
      number_customergauge: '12',
      status: 'solved',
      comment: 'Called back: fixed ✓',
      assigned_to: 'Des.Patch@directness.net',
    }),
  })
  assert.equal(await answer.text(), '{"Data":{"number_customergauge":12}}')
  assert.deepEqual(await server.stop(), { code: 0, signal: null })

  const [closed, closedJson] = await Promise.all([
    showCase(ws, 'acme', 12),
    showCase(ws, 'acme', 12, ['--json']),
  ])
  assert.deepEqual(closedJson, closed)
  const changed = closed.updated_at!
  assert.ok(changed >= opened)
  assert.deepEqual(closed, {
    number_customergauge: 12,
    status: 'CLOSED',
    status_code: 90,
    status_label: 'Solved',
    assigned_to: 'des.patch@directness.net',
    opened_at: opened,
    followed_up_at: changed,
    closed_at: changed,
    updated_at: changed,
    history: [
      detractor.history[0],
      {
        seq: 2,
        at: changed,
        actor: `key:${key.id}`,
        status_from: 'OPEN',
        status_to: 'CLOSED',
        assigned_from: null,
        assigned_to: 'des.patch@directness.net',
        comment: 'Called back: fixed ✓',
      },
    ],
  })
})

test('statuses set reads code,label,phase rows from CSV or JSON and replaces the set; a bad file changes nothing and names its line', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'ext', '--extended-statuses'])
  const [csv, json, badPhase, twice] = await Promise.all([
    ws.file('statuses.csv', STATUSES_CSV),
    ws.file(
      'statuses.json',
      JSON.stringify([
        { code: 5, label: 'Fresh', phase: 'open' },
        { code: 95, label: 'Done', phase: 'CLOSED' },
      ]),
    ),
    ws.file('bad-phase.csv', 'code,label,phase\n1,New,OPEN\n2,Odd,LIMBO\n'),
    ws.file('twice.csv', 'code,label,phase\n1,New,OPEN\n1,Again,CLOSED\n'),
    ws.ok(['tenant', 'create', 'plain']),
  ])

  assert.equal(
    await ws.ok(['statuses', 'set', 'ext', csv]),
    'Set 3 statuses\ncode  label    phase\n0     New      OPEN\n50    Working  PROGRESS\n90    Solved   CLOSED\n',
  )
  const [fromJson, plain, badPhaseResult, twiceResult] = await Promise.all([
    ws.json(['statuses', 'set', 'ext', json]),
    ws.ok(['statuses', 'set', 'plain', csv]),
    ws.run(['statuses', 'set', 'ext', badPhase]),
    ws.run(['statuses', 'set', 'ext', twice]),
  ])
  assert.deepEqual(fromJson, [
    { code: 5, label: 'Fresh', phase: 'OPEN' },
    { code: 95, label: 'Done', phase: 'CLOSED' },
  ])
  assert.match(plain, /^Set 3 statuses\n[^]*\nNote: this tenant has extended statuses turned off/)
  assertOneLineFailure(
    badPhaseResult,
    /^error: line 3: phase must be one of OPEN, PROGRESS, CLOSED\n$/,
    ws,
  )
  assertOneLineFailure(twiceResult, /only once/, ws)

  // The JSON set replaced the CSV one, and the bad files changed nothing: a detractor opens as "Fresh".
  await ws.ok(['records', 'import', 'ext', '-'], '[{"number_customergauge":7,"nps":1}]')
  const view = await ws.json<CaseView>(['case', 'show', 'ext', '7'])
  assert.deepEqual([view.status, view.status_code, view.status_label], ['OPEN', 5, 'Fresh'])
})
