// `serve` on SQLite writes v4.1 calls and imports on a writer thread (issue 17). The same generated
// calls, sent one by one to a server with the thread and to one without it (FIREHOUSE_WRITER=inline),
// get the same answers and leave the same cases and histories; concurrent calls through the thread
// keep every case's chain whole; imports answer alike, and reads are answered while one runs; the
// webhook dispatcher's claims and records are written there too.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import type { CaseJson } from '../../src/service/case-view.js'
import { showCase } from '../../src/service/case-view.js'
import type { ServiceContext } from '../../src/service/context.js'
import { useWriterThread } from '../../src/service/writer-thread.js'
import { importFile } from '../helpers/api-v1.js'
import { startTestServer } from '../helpers/server.js'
import { setWorkflowRules } from '../../src/service/workflow-rules.js'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { spawnServer } from '../helpers/process.js'
import { startReceiver } from '../helpers/webhook-receiver.js'
import { createAddressPolicy } from '../../src/domain/address-rules.js'
import { createEndpoint } from '../../src/service/webhooks/endpoints.js'
import { createTestTenant, form, post } from '../helpers/server.js'

const SQLITE = TEST_DATABASES.find((kind) => kind.name === 'sqlite')!
const RECORDS = Array.from({ length: 30 }, (_, i) => i + 1)
const USERS = ['ann@example.com', 'bob@example.com']
const CALLS = 600

interface Call {
  fields: Record<string, string | number>
  headers: Record<string, string>
}

/** Mostly absent, sometimes one of `values`. */
const sometimes = <T>(values: fc.Arbitrary<T>, weight = 1): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 4 }, { arbitrary: values, weight })

const callArbitrary: fc.Arbitrary<Call> = fc
  .record({
    cgid: fc.integer({ min: 1, max: 33 }),
    status: sometimes(fc.constantFrom('OPEN', 'PROGRESS', 'CLOSE', 'CLOSED', 'NOPE'), 12),
    comment: sometimes(fc.oneof({ arbitrary: fc.constantFrom('Called back', '', ' '), weight: 4 }, { arbitrary: fc.string({ maxLength: 20 }), weight: 4 }, { arbitrary: fc.constant('x'.repeat(10_001)), weight: 1 }), 4),
    assignee: sometimes(fc.constantFrom(...USERS, 'nobody@example.com'), 3),
    idempotencyKey: sometimes(fc.integer({ min: 1, max: 40 }).map((n) => `key-${n}`)),
    ifMatch: sometimes(fc.integer({ min: 0, max: 6 })),
  })
  .map(({ cgid, status, comment, assignee, idempotencyKey, ifMatch }) => {
    const fields: Record<string, string | number> = { number_customergauge: cgid }
    if (status !== undefined) fields.status = status
    if (comment !== undefined) fields.comment = comment
    if (assignee !== undefined) fields.assigned_to = assignee
    const headers: Record<string, string> = {}
    if (idempotencyKey !== undefined) headers['idempotency-key'] = idempotencyKey
    if (ifMatch !== undefined) headers['if-match'] = `"${ifMatch}"`
    return { fields, headers }
  })

/** A case as both servers must leave it: everything but the times and the key that wrote it. */
function comparable(view: CaseJson): unknown {
  const { opened_at: _o, followed_up_at: _f, closed_at: _c, updated_at: _u, time_to_follow_up_s: _tf, time_to_close_s: _tc, history, ...rest } = view
  return { ...rest, history: history.map(({ at: _at, happened_at: _h, actor: _a, ...entry }) => entry) }
}

test('[sqlite] the same 600 generated calls get the same answers and leave the same cases with the writer thread as without it', async (t) => {
  const calls = fc.sample(callArbitrary, { numRuns: CALLS, seed: 17 })
  const sides = await Promise.all(
    (['thread', 'inline'] as const).map(async (writer) => {
      const { ctx, database } = await openTestContext(t, SQLITE)
      const tenant = await createTestTenant(ctx, { slug: 'acme', records: RECORDS, detractors: RECORDS.filter((cgid) => cgid % 3 === 0), users: USERS })
      await setWorkflowRules(ctx, 'acme', { progressive: true, commentOnReassign: true }, true)
      const server = await spawnServer(database.url, { env: { FIREHOUSE_WRITER: writer } })
      t.after(() => server.stop())
      return { writer, ctx, tenant, server }
    }),
  )
  const [thread, inline] = sides as [(typeof sides)[0], (typeof sides)[0]]
  assert.match(thread.server.output(), /writes on a writer thread/)
  assert.doesNotMatch(inline.server.output(), /writer thread/)

  const codes = new Map<number, number>()
  for (const [i, call] of calls.entries()) {
    const [a, b] = await Promise.all(
      [thread, inline].map(async ({ server, tenant }) => {
        const response = await post(`${server.url}/v4.1/workflow.json`, form(call.fields), { key: tenant.key, headers: call.headers })
        return { status: response.status, body: await response.text() }
      }),
    )
    assert.deepEqual(a, b, `call ${i}: ${JSON.stringify(call)}`)
    const code = a!.status === 200 ? 200 : (JSON.parse(a!.body) as { Error: { Code: number } }).Error.Code
    codes.set(code, (codes.get(code) ?? 0) + 1)
  }
  t.diagnostic(`answers by code: ${JSON.stringify(Object.fromEntries(codes))}`)
  // The generated calls reach the writes and their refusals, not only the form checks.
  assert.ok((codes.get(200) ?? 0) > 50 && (codes.get(400205) ?? 0) > 0 && (codes.get(400206) ?? 0) > 0 && (codes.get(300009) ?? 0) > 0)
  // Every call that reached a write crossed to the thread: the form checks answer before it.
  const handed = /firehouse_writer_thread_calls\{state="handed"\} (\d+)/.exec(await (await fetch(`${thread.server.url}/metrics`)).text())
  assert.ok(handed && Number(handed[1]) >= (codes.get(200) ?? 0), `metrics: ${handed?.[0]}`)
  assert.doesNotMatch(await (await fetch(`${inline.server.url}/metrics`)).text(), /firehouse_writer_thread_calls\{/)
  for (const cgid of RECORDS) {
    assert.deepEqual(comparable(await showCase(thread.ctx, 'acme', cgid)), comparable(await showCase(inline.ctx, 'acme', cgid)), `case ${cgid}`)
  }
})

test('[sqlite] 300 concurrent calls through the writer thread: every 200 is one entry and every chain is unbroken', async (t) => {
  const { ctx, database } = await openTestContext(t, SQLITE)
  const tenant = await createTestTenant(ctx, { slug: 'acme', records: RECORDS, users: USERS })
  const server = await spawnServer(database.url)
  t.after(() => server.stop())
  const statuses = ['OPEN', 'PROGRESS', 'CLOSED']
  const answers = await Promise.all(
    Array.from({ length: 300 }, (_, i) =>
      post(`${server.url}/v4.1/workflow.json`, form({ number_customergauge: RECORDS[i % RECORDS.length]!, status: statuses[i % 3]!, assigned_to: USERS[i % 2]!, comment: `call ${i}` }), { key: tenant.key }).then(
        (response) => response.status,
      ),
    ),
  )
  assert.deepEqual(answers.filter((status) => status !== 200), [])
  let entries = 0
  for (const cgid of RECORDS) {
    const view = await showCase(ctx, 'acme', cgid)
    entries += view.history.length
    assert.deepEqual(view.history.map((entry) => entry.seq), Array.from({ length: view.history.length }, (_, i) => i + 1))
    for (let i = 1; i < view.history.length; i++) assert.equal(view.history[i]!.status_from, view.history[i - 1]!.status_to, `case ${cgid} entry ${i + 1}`)
  }
  assert.equal(entries, 300)
})

test('[sqlite] imports through the writer thread answer as without it: a file with a bad row (named by its line) and a good one', async (t) => {
  const sides = await Promise.all(
    (['thread', 'inline'] as const).map(async (writer) => {
      const { ctx, database } = await openTestContext(t, SQLITE)
      const tenant = await createTestTenant(ctx, { slug: 'acme', records: [1] })
      const server = await spawnServer(database.url, { env: { FIREHOUSE_WRITER: writer } })
      t.after(() => server.stop())
      return { ctx, tenant, server }
    }),
  )
  const files = [
    '{"number_customergauge": 2, "nps": 3}\n{"number_customergauge": 3, "nps": 11}\n',
    'number_customergauge,nps,comment\n2,3,slow\n4,9,\n5,0,"rude, twice"\n',
  ]
  const answers = []
  for (const [i, file] of files.entries()) {
    const contentType = i === 0 ? 'application/x-ndjson' : 'text/csv'
    const [a, b] = await Promise.all(sides.map(async ({ server, tenant }) => {
      const response = await importFile(server, tenant.key, file, contentType)
      return { status: response.status, body: await response.text() }
    }))
    assert.deepEqual(a, b, `file ${i}`)
    answers.push(a!)
  }
  assert.equal(answers[0]!.status, 400)
  assert.match(answers[0]!.body, /line 2/)
  assert.equal(answers[1]!.status, 200)
  for (const cgid of [2, 5]) assert.deepEqual(comparable(await showCase(sides[0]!.ctx, 'acme', cgid)), comparable(await showCase(sides[1]!.ctx, 'acme', cgid)))
})

test('[sqlite] while a 100,000-row import is written on the writer thread, a read of another tenant during its parse and a v4.1 change during its writing are answered before the import', async (t) => {
  const { ctx, database } = await openTestContext(t, SQLITE)
  const importer = await createTestTenant(ctx, { slug: 'bulk' })
  const reader = await createTestTenant(ctx, { slug: 'other', records: [5], detractors: [5] })
  const server = await spawnServer(database.url)
  t.after(() => server.stop())
  const rows = Array.from({ length: 100_000 }, (_, i) => `{"number_customergauge": ${i + 1}, "nps": ${i % 11}, "comment": "row ${i + 1}"}`).join('\n')
  const order: string[] = []
  const importing = importFile(server, importer.key, rows, 'application/x-ndjson').then(async (response) => {
    order.push(`import ${response.status}`)
    return response.json()
  })
  // Once the import's request is in (its parse has begun on the writer thread), read another tenant's case.
  await waitUntil(async () => /firehouse_writer_thread_calls\{state="pending"\} 1/.test(await (await fetch(`${server.url}/metrics`)).text()))
  const read = await fetch(`${server.url}/api/v1/cases/5`, { headers: { authorization: `api_key ${reader.key}` } })
  order.push(`read ${read.status}`)
  // Once its first slice is committed (the writing has begun), change another tenant's case: the
  // change waits for the slice being written (IMPORT_SLICE_ROWS rows), not for the whole file.
  await waitUntil(async () => (await recordsOf(ctx, importer.slug)) > 0)
  const change = await post(`${server.url}/v4.1/workflow.json`, form({ number_customergauge: 5, comment: 'Called back' }), { key: reader.key })
  order.push(`change ${change.status}`)
  const writtenWhenChanged = await recordsOf(ctx, importer.slug)
  const report = (await importing) as { imported: number }
  assert.deepEqual(order, ['read 200', 'change 200', 'import 200'])
  assert.ok(writtenWhenChanged < 100_000, `the change was answered once ${writtenWhenChanged} of the 100,000 rows were written`)
  assert.equal(report.imported, 100_000)
})

/** The tenant's records committed so far, as another connection sees them. */
async function recordsOf(ctx: ServiceContext, slug: string): Promise<number> {
  const row = await ctx.store.db
    .selectFrom('records')
    .innerJoin('tenants', 'tenants.id', 'records.tenant_id')
    .where('tenants.slug', '=', slug)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow()
  return Number(row.count)
}

async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

test('[sqlite] run from source (tsx, as npm start runs it), the writer thread starts and commits a v4.1 call', async (t) => {
  const server = await startTestServer(SQLITE)
  t.after(async () => {
    await server.ctx.writerThread?.close()
    await server.close()
  })
  const tenant = await createTestTenant(server.ctx, { slug: 'acme', records: [7] })
  useWriterThread(server.ctx, server.database.url)
  const response = await post(`${server.url}/v4.1/workflow.json`, form({ number_customergauge: 7, status: 'CLOSE', comment: 'from source' }), { key: tenant.key })
  assert.equal(response.status, 200, await response.clone().text())
  assert.equal(server.ctx.writerThread?.counts().handed, 1)
  const view = await showCase(server.ctx, 'acme', 7)
  assert.deepEqual([view.status, view.history.at(-1)?.comment], ['CLOSED', 'from source'])
})

test('[sqlite] the webhook dispatcher claims and records its deliveries on the writer thread, not on the request thread', async (t) => {
  const server = await startTestServer(SQLITE, { env: { FIREHOUSE_WEBHOOK_ALLOW_NETS: '127.0.0.0/8' } })
  const inbox = await startReceiver()
  t.after(async () => {
    await server.ctx.writerThread?.close()
    await server.close()
    await inbox.close()
  })
  const tenant = await createTestTenant(server.ctx, { slug: 'acme', records: [1, 2, 3] })
  await createEndpoint(server.ctx, 'acme', { url: `${inbox.url}/hooks`, events: ['*'] }, null, { policy: createAddressPolicy(['127.0.0.0/8']) })
  useWriterThread(server.ctx, server.database.url)
  for (const cgid of [1, 2, 3]) {
    const response = await post(`${server.url}/v4.1/workflow.json`, form({ number_customergauge: cgid, comment: 'delivered' }), { key: tenant.key })
    assert.equal(response.status, 200, await response.clone().text())
  }
  const succeeded = async () => {
    const row = await server.ctx.store.db
      .selectFrom('webhook_deliveries')
      .where('status', '=', 'succeeded')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow()
    return Number(row.count)
  }
  await waitUntil(async () => (await succeeded()) === 3)
  assert.equal(inbox.succeeded().length, 3)
  // The 3 changes, at least one claim, and the 3 attempts' records crossed to the thread.
  const { handed } = server.ctx.writerThread!.counts()
  assert.ok(handed >= 3 + 1 + 3, `jobs handed to the writer thread: ${handed}`)
})
