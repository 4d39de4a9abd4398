// SPEC §9's rules, one table, every surface: each pair of phases (and a new case) × rule on/off × with or
// without a comment (× a change of assignee, for comment_on_reassign) is allowed or refused with the exact
// code on v4.1 JSON and XML, the typed client, the CLI's `workflow update` and the board's case form, on
// both databases; a refused change writes nothing.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { WorkflowApiError, WorkflowClient } from '../../src/client/index.js'
import { runCli } from '../../src/cli/main.js'
import { createApiKey } from '../../src/service/api-keys.js'
import { api, expectJson } from '../helpers/api-v1.js'
import type { CaseJson } from '../../src/service/case-view.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { inParallel } from '../helpers/in-parallel.js'
import { SPEC_HTTP_STATUS, assertNoLeak, createTestTenant, expectOk, form, startTestServer, surveyRecord, workflowUrl, type TestServer } from '../helpers/server.js'
import { addPerson, postForm, signIn } from '../helpers/web.js'
import { importRecords } from '../../src/service/import-records.js'

const PHASES = ['OPEN', 'PROGRESS', 'CLOSED'] as const
type Phase = (typeof PHASES)[number]
const RULES = ['progressive', 'comment_on_status_change', 'comment_on_reassign'] as const
type Rule = (typeof RULES)[number]

/** One line of the table: the rule (on or off), the case before (none: no case yet) and the call. */
interface Row {
  rule: Rule
  on: boolean
  from: Phase | 'none'
  to: Phase
  comment: boolean
  reassign: boolean
}

const BEFORE = 'before@acme.test'
const AFTER = 'after@acme.test'

function tableRows(): Row[] {
  const rows: Row[] = []
  for (const rule of RULES) {
    for (const on of [true, false]) {
      for (const from of ['none', ...PHASES] as const) {
        for (const to of PHASES) {
          for (const comment of [false, true]) {
            for (const reassign of rule === 'comment_on_reassign' ? [false, true] : [false]) rows.push({ rule, on, from, to, comment, reassign })
          }
        }
      }
    }
  }
  return rows
}

/**
 * SPEC §9, word for word: progressive refuses an OPEN-phase status (a new case counts as coming
 * from OPEN) going straight into CLOSED; a status change is a call after which the status differs;
 * a change of assignee one after which the assignee differs. 0: allowed.
 */
function expectedCode(row: Row): number {
  const from = row.from === 'none' ? 'OPEN' : row.from
  if (row.on && row.rule === 'progressive' && from === 'OPEN' && row.to === 'CLOSED') return 400205
  if (row.on && !row.comment && row.rule === 'comment_on_status_change' && from !== row.to) return 400204
  if (row.on && !row.comment && row.rule === 'comment_on_reassign' && row.reassign) return 400204
  return 0
}

/** What a surface answered: 0 for a written change, else the SPEC code. */
type Write = (row: Row, cgid: number) => Promise<number>

interface SurfaceSetup {
  server: TestServer
  key: string
  /** Signs in the tenant's admin once, for the board. */
  boardPerson: () => Promise<Awaited<ReturnType<typeof signIn>>>
}

function v41(format: 'json' | 'xml'): (setup: SurfaceSetup) => Write {
  return ({ server, key }) =>
    async (row, cgid) => {
      const fields: Record<string, string | number> = { number_customergauge: cgid, status: row.to }
      if (row.comment) fields.comment = 'Called the customer'
      if (row.reassign) fields.assigned_to = AFTER
      const answer = await fetch(workflowUrl(server, format), {
        method: 'POST',
        headers: { authorization: `api_key ${key}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: form(fields),
      })
      const text = await answer.text()
      assertNoLeak(text)
      if (answer.status === 200) return 0
      const code = Number((format === 'json' ? /"Code":(\d+)/ : /<Code>(\d+)<\/Code>/).exec(text)?.[1])
      assert.equal(answer.status, SPEC_HTTP_STATUS[code], `${format} ${code}: ${text}`)
      if (format === 'xml') assert.match(text, /^<\?xml version="1.0" encoding="UTF-8"\?>\s*<Error><Message>[^<]+<\/Message><Code>\d+<\/Code><\/Error>/)
      return code
    }
}

const client = ({ server, key }: SurfaceSetup): Write => {
  const cg = new WorkflowClient({ apiKey: key, baseUrl: server.url, retries: 0 })
  return async (row, cgid) => {
    try {
      await cg.updateWorkflow({
        numberCustomergauge: cgid,
        status: row.to,
        comment: row.comment ? 'Called the customer' : undefined,
        assignedTo: row.reassign ? AFTER : undefined,
      })
      return 0
    } catch (error) {
      if (error instanceof WorkflowApiError && error.code !== undefined) return error.code
      throw error
    }
  }
}

/** The CLI's `workflow update`, run in this process (the same code bin/firehouse.js runs) against the server. */
const cli = ({ server, key }: SurfaceSetup): Write => {
  return async (row, cgid) => {
    const argv = ['workflow', 'update', String(cgid), '--status', row.to]
    if (row.comment) argv.push('--comment', 'Called the customer')
    if (row.reassign) argv.push('--assigned-to', AFTER)
    const errors: string[] = []
    const io = {
      env: { CG_API_URL: server.url, CG_API_KEY: key },
      readStdin: async () => '',
      stdout: () => {},
      terminal: { stdin: false, stdout: false },
      askSecret: async () => '',
    }
    const exit = await runCli(argv, io, (line) => errors.push(line))
    if (exit === 0) return 0
    const code = /^(\d{6}) /.exec(errors.join('\n'))
    assert.ok(code, `the CLI names the code: ${errors.join(' | ')}`)
    return Number(code[1])
  }
}

/** The board's case form, as a person signed in sends it: the status, the assignee field as shown or changed, the version read. */
const board = ({ server, key, boardPerson }: SurfaceSetup): Write => {
  return async (row, cgid) => {
    const person = await boardPerson()
    const shown = await expectJson<CaseJson & { version?: number }>(await api(server, key, `/cases/${cgid}`))
    const fields = {
      status: row.to,
      assigned_to: row.reassign ? AFTER : (shown.assigned_to ?? ''),
      comment: row.comment ? 'Called the customer' : '',
      version: String(shown.history.length),
    }
    const answer = await postForm(server.url, `/cases/${cgid}`, person, fields)
    const html = await answer.text()
    if (answer.status === 303) return 0
    const code = /role="alert"[^>]*data-code="(\d+)"/.exec(html)?.[1]
    assert.ok(code, `the board shows the refusal with its code (HTTP ${answer.status}): ${html.slice(0, 300)}`)
    assert.equal(answer.status, SPEC_HTTP_STATUS[Number(code)])
    return Number(code)
  }
}

const SURFACES: Record<string, (setup: SurfaceSetup) => Write> = {
  'v4.1 json': v41('json'),
  'v4.1 xml': v41('xml'),
  'typed client': client,
  'CLI workflow update': cli,
  'board case form': board,
}

/**
 * The board saves nothing for a form that changes nothing (no status, assignee or comment change):
 * 300004, where v4.1 logs an entry that changes nothing. Every other row is the table's.
 */
function expectedOn(surface: string, row: Row): number {
  const noOp = row.from !== 'none' && row.from === row.to && !row.comment && !row.reassign
  if (surface === 'board case form' && noOp) return 300004
  return expectedCode(row)
}

async function setup(kind: TestDatabaseKind, t: TestContext, rows: readonly Row[]) {
  const server = await startTestServer(kind)
  t.after(server.close)
  const acme = await createTestTenant(server.ctx, { slug: 'acme', users: [BEFORE, AFTER] })
  await importRecords(server.ctx, 'acme', rows.map((_, i) => surveyRecord(i + 1, 9)))
  const admin = (await createApiKey(server.ctx, 'acme', 'admin', { admin: true })).key
  await addPerson(server.ctx, 'acme', 'ada@acme.test', 'admin')
  let person: Awaited<ReturnType<typeof signIn>> | undefined
  const boardPerson = async () => (person ??= await signIn(server.url, 'acme', 'ada@acme.test'))
  const setRules = async (rules: Partial<Record<Rule, boolean>>) => {
    const body = JSON.stringify({ progressive: false, comment_on_status_change: false, comment_on_reassign: false, ...rules })
    await expectJson(await api(server, admin, '/settings/workflow', { method: 'PUT', body, contentType: 'application/json' }))
  }
  return { server, acme, setRules, boardPerson }
}

const ROWS = tableRows()
/** Rows sent at once: enough to keep the server busy, few enough that the order of a row's own calls is all that matters. */
const ROWS_AT_ONCE = 8

for (const kind of TEST_DATABASES) {
  for (const [surface, makeWrite] of Object.entries(SURFACES)) {
    test(`[${kind.name}] ${surface}: ${ROWS.length} rows of phases × rule on/off × comment (× reassign) answer as SPEC §9 says, and a refusal writes nothing`, async (t) => {
      const { server, acme, setRules, boardPerson } = await setup(kind, t, ROWS)
      const write = makeWrite({ server, key: acme.key, boardPerson })
      const send = (fields: Record<string, string | number>) =>
        fetch(workflowUrl(server), { method: 'POST', headers: { authorization: `api_key ${acme.key}`, 'content-type': 'application/x-www-form-urlencoded' }, body: form(fields) })
      const mismatches: string[] = []
      for (const rule of RULES) {
        for (const on of [true, false]) {
          const group = ROWS.map((row, i) => ({ row, cgid: i + 1 })).filter(({ row }) => row.rule === rule && row.on === on)
          // The cases as the row starts them, with every rule off.
          await setRules({})
          // Each row has a case of its own: the rows of a group run a few at a time.
          await inParallel(group, ROWS_AT_ONCE, async ({ row, cgid }) => {
            if (row.from !== 'none') await expectOk(await send({ number_customergauge: cgid, status: row.from, assigned_to: BEFORE }), cgid)
          })
          await setRules({ [rule]: on })
          await inParallel(group, ROWS_AT_ONCE, async ({ row, cgid }) => {
            const before = await expectJson<CaseJson>(await api(server, acme.key, `/cases/${cgid}`))
            const got = await write(row, cgid)
            const want = expectedOn(surface, row)
            if (got !== want) mismatches.push(`${JSON.stringify(row)}: ${got} instead of ${want}`)
            const after = await expectJson<CaseJson>(await api(server, acme.key, `/cases/${cgid}`))
            if (got === 0) {
              assert.equal(after.history.length, before.history.length + 1, `one entry for ${JSON.stringify(row)}`)
              assert.equal(after.status, row.to)
            } else assert.deepEqual(after, before, `nothing written for ${JSON.stringify(row)}`)
          })
        }
      }
      assert.deepEqual(mismatches, [], `${surface}: rows answered otherwise than SPEC §9`)
    })
  }
}
