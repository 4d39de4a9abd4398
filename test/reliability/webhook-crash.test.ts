// Webhooks survive crashes (SPEC §8, at least once): SIGKILL a server with deliveries pending (SQLite),
// and a node holding claims beside another (PostgreSQL, 2 processes); after the restart every
// committed change's event is delivered at least once. Duplicates are counted and reported.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sql } from 'kysely'
import { createApiKey } from '../../src/service/api-keys.js'
import { openServiceContext } from '../../src/service/database.js'
import { readAllCases, sendUpdate, type Outcome, classify } from '../helpers/crash.js'
import { TEST_DATABASES, type TestDatabase } from '../helpers/databases.js'
import { spawnServer, type ServerProcess } from '../helpers/process.js'
import { createTestTenant } from '../helpers/server.js'
import { startReceiver, verifySignature, type Receiver } from '../helpers/webhook-receiver.js'

const CASES = 8
const UPDATES = 40
/** Attempts time out after 1 s: a dead node's claims expire 7 s after they were taken (2 × 1 s + 5 s). */
const ENV = { FIREHOUSE_WEBHOOK_ALLOW_NETS: '127.0.0.0/8', FIREHOUSE_WEBHOOK_RETRY_SCHEDULE: '0.2,0.2,0.2,0.2,0.2,0.2,0.2', FIREHOUSE_WEBHOOK_TIMEOUT_MS: '1000' }

async function setUp(database: TestDatabase) {
  const setup = await openServiceContext(database.url)
  try {
    const tenant = await createTestTenant(setup, { slug: 'acme', records: Array.from({ length: CASES }, (_, i) => i + 1) })
    const desk = await createApiKey(setup, 'acme', 'help desk')
    return { ...tenant, desk: desk.key }
  } finally {
    await setup.store.close()
  }
}

async function createHook(url: string, key: string, target: string): Promise<{ id: string; secret: string }> {
  const answer = await fetch(`${url}/api/v1/webhooks`, {
    method: 'POST',
    headers: { authorization: `api_key ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: target, events: ['*'] }),
  })
  assert.equal(answer.status, 201)
  return (await answer.json()) as { id: string; secret: string }
}

/** Sends the updates over the given servers, round robin, `parallel` at a time; the outcome of each. */
async function sendUpdates(servers: () => ServerProcess[], key: string, parallel: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = []
  for (let start = 0; start < UPDATES; start += parallel) {
    const batch = Array.from({ length: Math.min(parallel, UPDATES - start) }, (_, i) => start + i)
    const list = servers()
    outcomes.push(
      ...(await Promise.all(
        batch.map(async (n) => (await classify(sendUpdate(list[n % list.length]!.url, key, { number_customergauge: 1 + (n % CASES), comment: `u${n}` }, { timeoutMs: 5_000 }))).outcome),
      )),
    )
  }
  return outcomes
}

/** Waits until every history entry of every case was answered 2xx at least once; returns the duplicate count. */
async function expectEveryEntryDelivered(inbox: Receiver, serverUrl: string, key: string, secret: string, log: (line: string) => void) {
  const cases = await readAllCases(serverUrl, key)
  const committed = new Set(cases.flatMap((view) => view.history.map((entry) => `${view.number_customergauge}/${entry.seq}`)))
  const delivered = () => new Set(inbox.succeeded().map((request) => `${request.event.data.case?.number_customergauge}/${request.event.data.entry?.seq}`))
  const deadline = Date.now() + 45_000
  while ([...committed].some((entry) => !delivered().has(entry))) {
    if (Date.now() > deadline) throw new Error(`not delivered: ${[...committed].filter((entry) => !delivered().has(entry)).join(', ')}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  const successes = inbox.succeeded()
  const duplicates = successes.length - new Set(successes.map((request) => request.event.id)).size
  for (const request of successes) verifySignature(secret, request)
  const extra = [...delivered()].filter((entry) => !committed.has(entry))
  assert.deepEqual(extra, [], 'no event for a change that did not commit')
  log(`committed changes ${committed.size}, events delivered ${new Set(successes.map((request) => request.event.id)).size}, deliveries answered 2xx ${successes.length}, duplicates ${duplicates}, requests ${inbox.received.length}`)
  return { committed: committed.size, duplicates }
}

const sqlite = TEST_DATABASES.find((kind) => kind.name === 'sqlite')
const postgres = TEST_DATABASES.find((kind) => kind.name === 'postgres')

test('[sqlite] SIGKILL with deliveries pending: after the restart every committed change is delivered at least once', { skip: !sqlite }, async (t) => {
  const database = await sqlite!.create()
  t.after(() => database.drop())
  const tenant = await setUp(database)
  // A slow receiver: the server dies with deliveries queued and in flight.
  const inbox = await startReceiver(async () => {
    await new Promise((resolve) => setTimeout(resolve, 40))
    return { status: 200 }
  })
  t.after(() => inbox.close())
  let server = await spawnServer(database.url, { env: ENV })
  t.after(() => server.stop('SIGKILL'))
  const hook = await createHook(server.url, tenant.key, inbox.url)
  const outcomes = await sendUpdates(() => [server], tenant.desk, 10)
  assert.ok(outcomes.every((outcome) => outcome === 'acked'))
  await inbox.waitForSuccesses(3)
  await server.stop('SIGKILL')
  const before = inbox.succeeded().length
  assert.ok(before < UPDATES, `the server died with deliveries pending (${before} of ${UPDATES} delivered)`)
  server = await spawnServer(database.url, { env: ENV })
  const { committed } = await expectEveryEntryDelivered(inbox, server.url, tenant.key, hook.secret, (line) => t.diagnostic(`${line}; delivered before the kill ${before}`))
  assert.equal(committed, UPDATES)
})

test('[postgres] SIGKILL of one of two nodes while it holds claims: the other takes them over; after the restart every committed change is delivered at least once', { skip: !postgres }, async (t) => {
  const database = await postgres!.create()
  t.after(() => database.drop())
  const tenant = await setUp(database)
  // Answers take long enough for a node to be killed with attempts in flight.
  const inbox = await startReceiver(async () => {
    await new Promise((resolve) => setTimeout(resolve, 300))
    return { status: 200 }
  })
  t.after(() => inbox.close())
  const nodes = [await spawnServer(database.url, { env: ENV }), await spawnServer(database.url, { env: ENV })]
  t.after(() => Promise.all(nodes.map((node) => node.stop('SIGKILL'))))
  const hook = await createHook(nodes[0]!.url, tenant.key, inbox.url)
  const outcomes = await sendUpdates(() => nodes, tenant.desk, 8)
  assert.ok(outcomes.every((outcome) => outcome === 'acked'))

  // Kill a node once it holds claims of deliveries still pending. Either may be the one: each
  // claims what is due when its own commits notify it, and the one that answers an event claims
  // its case's next at once, so one node may hold every claim from the start.
  const side = await openServiceContext(database.url, { migrate: false })
  t.after(() => side.store.close())
  const held = async (node: ServerProcess) =>
    Number(
      (
        await sql<{ count: number }>`select count(*) as count from webhook_deliveries where status = 'pending' and lease_owner like ${`%/${node.child.pid}/%`} and lease_until > ${new Date().toISOString()}`.execute(side.store.db)
      ).rows[0]!.count,
    )
  const deadline = Date.now() + 20_000
  let victim = -1
  let claims = 0
  while (victim === -1) {
    assert.ok(Date.now() < deadline, 'no node ever held a claim')
    for (const [index, node] of nodes.entries()) {
      claims = await held(node)
      if (claims > 0) {
        victim = index
        break
      }
    }
    if (victim === -1) await new Promise((resolve) => setTimeout(resolve, 10))
  }
  await nodes[victim]!.stop('SIGKILL')
  const survivor = nodes[1 - victim]!
  nodes[victim] = await spawnServer(database.url, { env: ENV })
  const { committed } = await expectEveryEntryDelivered(inbox, survivor.url, tenant.key, hook.secret, (line) => t.diagnostic(`${line}; claims held by the killed node ${claims}`))
  assert.equal(committed, UPDATES)
})
