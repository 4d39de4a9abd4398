// The sync feed's guarantee under concurrent writes (SPEC §5): a reader that resumes from its last
// next_cursor sees every change at least once, never misses one, and ends on every case's final state.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { CaseJson } from '../../src/service/case-view.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { getCase, getFeed } from '../helpers/api-v1.js'
import { caller, createTestTenant, expectOk, form, startTestServer, type Call } from '../helpers/server.js'

const CASES = 20
const UPDATES = 200
const AT_ONCE = 10
const PER_PAGE = 7
const USERS = ['des@acme.test', 'ann@acme.test', 'bob@acme.test']
const STATUSES = ['OPEN', 'PROGRESS', 'CLOSED', 'in-progress', 'close', undefined]

/** A seeded generator, so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    return seed / 2 ** 31
  }
}

/** Sends UPDATES v4.1 calls, AT_ONCE at a time; returns the acknowledged ones: comment → CG-ID. */
async function write(send: Call, next: () => number): Promise<Map<string, number>> {
  const acknowledged = new Map<string, number>()
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!
  for (let i = 0; i < UPDATES; i += AT_ONCE) {
    const batch = Array.from({ length: AT_ONCE }, (_, j) => {
      const fields: Record<string, string | number> = { number_customergauge: 1 + Math.floor(next() * CASES), comment: `update ${i + j}` }
      const status = pick(STATUSES)
      if (status) fields.status = status
      if (next() < 0.5) fields.assigned_to = pick(USERS)
      return fields
    })
    await Promise.all(
      batch.map(async (fields) => {
        await expectOk(await send(form(fields)), fields.number_customergauge as number)
        acknowledged.set(fields.comment as string, fields.number_customergauge as number)
      }),
    )
  }
  return acknowledged
}

/** A case as one page showed it must be one consistent state: its status is where its history ends. */
function assertConsistent(view: CaseJson): void {
  const last = view.history.at(-1)!
  const where = `case ${view.number_customergauge} at seq ${last?.seq}`
  assert.deepEqual(view.history.map((entry) => entry.seq), Array.from({ length: view.history.length }, (_, i) => i + 1), where)
  assert.deepEqual([view.status, view.assigned_to, view.updated_at], [last.status_to, last.assigned_to, last.at], where)
}

interface ReaderState {
  /** The newest state of each case the reader saw. */
  last: Map<number, CaseJson>
  /** Every `cgid:seq:comment` of a history entry some page showed. */
  seen: Set<string>
  pages: number
}

/** Pages the feed until a read that started after `isDone()` turned true reaches end_of_stream. */
async function read(server: { url: string }, key: string, isDone: () => boolean): Promise<ReaderState> {
  const state: ReaderState = { last: new Map(), seen: new Set(), pages: 0 }
  let cursor: string | undefined
  for (;;) {
    const finalRead = isDone()
    const query = new URLSearchParams({ per_page: String(PER_PAGE), ...(cursor ? { cursor } : {}) })
    const page = await getFeed(server, key, query.toString())
    state.pages += 1
    assert.ok(page.data.length <= PER_PAGE)
    assert.equal(new Set(page.data.map((view) => view.number_customergauge)).size, page.data.length, 'a case twice on one page')
    for (const view of page.data) {
      assertConsistent(view)
      const before = state.last.get(view.number_customergauge)
      // Pages never go backwards: a case shows again only in a newer state.
      assert.ok(!before || view.history.length > before.history.length, `case ${view.number_customergauge} went backwards`)
      state.last.set(view.number_customergauge, view)
      for (const entry of view.history) state.seen.add(`${view.number_customergauge}:${entry.seq}:${entry.comment}`)
    }
    cursor = page.next_cursor
    if (page.end_of_stream && finalRead) return state
  }
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] a reader paging the feed during ${UPDATES} concurrent updates of ${CASES} cases misses no change and ends on every final state`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const cgids = Array.from({ length: CASES }, (_, i) => i + 1)
    // Half the cases exist before (auto-opened at import), half are created by the writer's calls.
    const acme = await createTestTenant(server.ctx, { slug: 'acme', users: USERS, records: cgids, detractors: cgids.filter((n) => n % 2 === 0) })
    let done = false
    const [acknowledged, reader] = await Promise.all([
      write(caller(server, acme.key), random(20261127)).finally(() => (done = true)),
      read(server, acme.key, () => done),
    ])
    assert.equal(acknowledged.size, UPDATES)
    assert.ok(reader.pages > UPDATES / PER_PAGE / 4, `the reader only read ${reader.pages} pages`)
    const touched = new Set([...acknowledged.values(), ...cgids.filter((n) => n % 2 === 0)])
    assert.deepEqual([...reader.last.keys()].sort((a, b) => a - b), [...touched].sort((a, b) => a - b))
    for (const cgid of touched) {
      const final = await getCase(server, acme.key, cgid)
      assert.deepEqual(reader.last.get(cgid), final, `case ${cgid}: the reader's last state is not the final one`)
      for (const entry of final.history) {
        if (entry.comment === null) continue
        assert.equal(acknowledged.get(entry.comment), cgid)
        assert.ok(reader.seen.has(`${cgid}:${entry.seq}:${entry.comment}`), `case ${cgid}: change ${entry.seq} (${entry.comment}) was never seen`)
      }
    }
    // Every acknowledged update is one entry of its case's history.
    const entries = (await Promise.all([...touched].map((cgid) => getCase(server, acme.key, cgid)))).flatMap((view) =>
      view.history.map((entry) => entry.comment).filter((comment) => comment !== null),
    )
    assert.deepEqual(entries.sort(), [...acknowledged.keys()].sort())
  })
}
