// GET /v7/rest/sync/close-loop (SPEC §10) over real HTTP on both databases: a reader paging while changes
// land sees every case's final state and its cursor never goes back; the date filters include both days;
// hours are rounded down; the note is the latest comment; extended statuses show as their phase; bad
// parameters are 300001 naming the parameter; tenants never see each other's cases.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { CaseJson } from '../../src/service/case-view.js'
import type { CloseLoopItem } from '../../src/service/close-loop.js'
import { setStatusesFromFile } from '../../src/service/statuses.js'
import { expectApiError, getCase } from '../helpers/api-v1.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, expectOk, form, post, startTestServer, workflowUrl } from '../helpers/server.js'
import { putOk, putStatus, syncPage, syncRequest, syncToEnd } from '../helpers/v7.js'

const STATUSES = ['open', 'progress', 'closed'] as const

/** What v7 must show of a case, from the native API's view of it (another surface, another mapping). */
function expectedItem(view: CaseJson): Omit<CloseLoopItem, 'time_to_follow_up' | 'time_to_close'> {
  const noted = view.history.filter((entry) => entry.comment !== null).at(-1)
  return {
    number_customergauge: view.number_customergauge,
    status: view.status!.toLowerCase() as CloseLoopItem['status'],
    note: noted?.comment ?? null,
    assigned_to: view.assigned_to,
    updated_at: view.updated_at!.replace('T', ' ').slice(0, 19),
  }
}

const withoutTimes = ({ time_to_follow_up: _f, time_to_close: _c, ...item }: CloseLoopItem) => item

/** Runs `work` over `items`, `width` at a time. */
async function pool<T>(items: readonly T[], width: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await work(items[next++]!)
  }))
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] 1,000 changes paged 7 at a time while 100 more land: every case's final state is seen, the cursor never goes back`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const cgids = Array.from({ length: 200 }, (_, i) => i + 1)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: cgids })
    const change = (cgid: number, round: number) => ({
      number_customergauge: cgid,
      status: STATUSES[(cgid + round) % 3]!,
      ...(round % 2 === 0 ? { note: `round ${round} of ${cgid}` } : {}),
    })
    const before = Array.from({ length: 5 }, (_, round) => cgids.map((cgid) => change(cgid, round))).flat()
    await pool(before, 8, async (body) => void (await putOk(server, acme.key, body)))

    const late = Array.from({ length: 100 }, (_, i) => change(1 + ((i * 37) % 200), 5 + i))
    let writing = true
    const writer = pool(late, 4, async (body) => void (await putOk(server, acme.key, body))).finally(() => {
      writing = false
    })
    const seen = new Map<number, CloseLoopItem[]>()
    let cursor: number | undefined
    let pages = 0
    let pagesWhileWriting = 0
    let emptyPages = 0
    // Reads while the writers run, then on until a page after the last write is empty.
    for (let caughtUpAfterWrites = false; !caughtUpAfterWrites; ) {
      const doneBefore = !writing
      if (writing) pagesWhileWriting++
      const page = await syncPage(server, acme.key, `per_page=7${cursor === undefined ? '' : `&cursor=${cursor}`}`)
      pages++
      assert.ok(page.data.length <= 7)
      if (page.data.length === 0) {
        emptyPages++
        assert.equal(page.cursor, cursor ?? 0, 'an empty page returns the cursor it was given')
        caughtUpAfterWrites = doneBefore
        if (!doneBefore) await new Promise((resolve) => setTimeout(resolve, 5))
      } else {
        assert.ok(cursor === undefined || page.cursor > cursor, `the cursor went from ${cursor} to ${page.cursor}`)
      }
      for (const item of page.data) seen.set(item.number_customergauge, [...(seen.get(item.number_customergauge) ?? []), item])
      cursor = page.cursor
    }
    await writer
    // The feed holds each case once, at its latest change: at least 200 / 7 pages, some read while the writers ran.
    assert.ok(pages >= Math.ceil(200 / 7), `only ${pages} pages`)
    assert.ok(pagesWhileWriting > 0, 'no page was read while the writers ran')
    assert.ok(emptyPages >= 1)
    for (const cgid of cgids) {
      const final = expectedItem(await getCase(server, acme.key, cgid))
      const items = seen.get(cgid) ?? []
      assert.ok(items.some((item) => JSON.stringify(withoutTimes(item)) === JSON.stringify(final)), `case ${cgid}'s final state ${JSON.stringify(final)} was never seen: ${JSON.stringify(items.map(withoutTimes))}`)
    }
    // Read again from that cursor: nothing new.
    const again = await syncPage(server, acme.key, `cursor=${cursor}`)
    assert.deepEqual(again, { data: [], cursor })
  })

  test(`[${kind.name}] updated_at[start] and [end] are UTC days, both included, on when the case last changed`, async (t) => {
    let now = new Date('2026-11-24T23:59:59.999Z')
    const server = await startTestServer(kind, { now: () => now })
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [1, 2, 3, 4, 5, 6] })
    const changedAt: Array<[number, string]> = [
      [1, '2026-11-24T23:59:59.999Z'],
      [2, '2026-11-25T00:00:00.000Z'],
      [3, '2026-11-25T23:59:59.000Z'],
      [4, '2026-11-26T12:00:00.000Z'],
      [5, '2026-11-27T23:59:59.999Z'],
      [6, '2026-11-28T00:00:00.000Z'],
    ]
    for (const [cgid, at] of changedAt) {
      now = new Date(at)
      await putOk(server, acme.key, { number_customergauge: cgid, status: 'progress' })
    }
    const cgidsOf = async (query: Record<string, string>) => (await syncToEnd(server, acme.key, query)).items.map((item) => item.number_customergauge)
    assert.deepEqual(await cgidsOf({ 'updated_at[start]': '2026-11-25', 'updated_at[end]': '2026-11-27' }), [2, 3, 4, 5])
    assert.deepEqual(await cgidsOf({ 'updated_at[start]': '2026-11-25', 'updated_at[end]': '2026-11-25' }), [2, 3])
    assert.deepEqual(await cgidsOf({ 'updated_at[start]': '2026-11-27' }), [5, 6])
    assert.deepEqual(await cgidsOf({ 'updated_at[end]': '2026-11-24' }), [1])
    assert.deepEqual(await cgidsOf({ 'updated_at[start]': '2026-11-28', 'updated_at[end]': '2026-11-28' }), [6])
    assert.deepEqual(await cgidsOf({ 'updated_at[start]': '2026-11-29' }), [])
    assert.deepEqual(await cgidsOf({}), [1, 2, 3, 4, 5, 6])
    // The shown updated_at is the day filtered on.
    const [item] = (await syncToEnd(server, acme.key, { 'updated_at[start]': '2026-11-28' })).items
    assert.equal(item!.updated_at, '2026-11-28 00:00:00')
    // A case changed again moves out of a day it was in.
    now = new Date('2026-11-29T08:00:00.000Z')
    await putOk(server, acme.key, { number_customergauge: 3, status: 'closed' })
    assert.deepEqual(await cgidsOf({ 'updated_at[start]': '2026-11-25', 'updated_at[end]': '2026-11-25' }), [2])
    // Filters and the cursor together: after the cursor, within the days.
    const first = await syncPage(server, acme.key, 'per_page=1&updated_at[start]=2026-11-25&updated_at[end]=2026-11-27')
    assert.deepEqual(first.data.map((i) => i.number_customergauge), [2])
    const rest = await syncToEnd(server, acme.key, { 'updated_at[start]': '2026-11-25', 'updated_at[end]': '2026-11-27' }, first.cursor)
    assert.deepEqual(rest.items.map((i) => i.number_customergauge), [4, 5])
  })

  test(`[${kind.name}] time_to_follow_up and time_to_close are whole hours rounded down, null until reached`, async (t) => {
    let now = new Date('2026-11-27T10:00:00.000Z')
    const server = await startTestServer(kind, { now: () => now })
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12, 13] })
    let item = await putOk(server, acme.key, { number_customergauge: 12, status: 'open' })
    assert.deepEqual([item.time_to_follow_up, item.time_to_close], [null, null])
    now = new Date('2026-11-27T11:59:00.000Z')
    item = await putOk(server, acme.key, { number_customergauge: 12, status: 'progress' })
    assert.deepEqual([item.time_to_follow_up, item.time_to_close], [1, null])
    now = new Date('2026-11-27T12:59:59.999Z')
    item = await putOk(server, acme.key, { number_customergauge: 12, status: 'closed' })
    assert.deepEqual([item.time_to_follow_up, item.time_to_close], [1, 2])
    // 59 min 59 s: 0 hours, not 1.
    now = new Date('2026-11-27T13:00:00.000Z')
    await putOk(server, acme.key, { number_customergauge: 13, status: 'open' })
    now = new Date('2026-11-27T13:59:59.000Z')
    await putOk(server, acme.key, { number_customergauge: 13, status: 'closed' })
    const { items } = await syncToEnd(server, acme.key)
    assert.deepEqual(
      items.map((i) => [i.number_customergauge, i.time_to_follow_up, i.time_to_close]),
      [[12, 1, 2], [13, 0, 0]],
    )
  })

  test(`[${kind.name}] note is the comment of the case's latest entry that has one; extended labels show as their phase`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12, 13], detractors: [13], extendedStatuses: true })
    await setStatusesFromFile(server.ctx, 'acme', 'code,label,phase\n3,Triage,OPEN\n20,Working,PROGRESS\n21,Waiting on customer,PROGRESS\n40,Resolved,CLOSED\n', 'csv')
    assert.equal((await putOk(server, acme.key, { number_customergauge: 12, status: 'progress', note: 'first' })).note, 'first')
    assert.equal((await putOk(server, acme.key, { number_customergauge: 12, status: 'closed' })).note, 'first')
    await expectOk(await post(workflowUrl(server), form({ number_customergauge: 12, status: 'Waiting on customer' }), { key: acme.key }), 12)
    let { items } = await syncToEnd(server, acme.key)
    const twelve = items.find((i) => i.number_customergauge === 12)!
    assert.deepEqual([twelve.status, twelve.note], ['progress', 'first'])
    await expectOk(await post(workflowUrl(server), form({ number_customergauge: 12, status: '40', comment: 'second' }), { key: acme.key }), 12)
    ;({ items } = await syncToEnd(server, acme.key))
    assert.deepEqual(items.map((i) => [i.number_customergauge, i.status, i.note]), [[13, 'open', null], [12, 'closed', 'second']])
    // 13 was opened by its import (a detractor): no comment yet.
    assert.equal((await getCase(server, acme.key, 13)).history[0]!.actor, 'import')
  })

  test(`[${kind.name}] bad parameters are 300001 naming the parameter`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12] })
    const bad: Array<[string, RegExp]> = [
      ['per_page=0', /per_page/],
      ['per_page=1001', /per_page/],
      ['per_page=abc', /per_page/],
      ['per_page=1.5', /per_page/],
      ['per_page=1e2', /per_page/],
      ['per_page=', /per_page/],
      ['per_page=5&per_page=6', /per_page/],
      ['cursor=-1', /cursor/],
      ['cursor=1.5', /cursor/],
      ['cursor=abc', /cursor/],
      ['cursor=0x10', /cursor/],
      ['cursor=9007199254740992', /cursor/],
      ['cursor=99999999999999999999999', /cursor/],
      ['updated_at[start]=2026-13-01', /updated_at\[start\]/],
      ['updated_at[start]=2026-02-30', /updated_at\[start\]/],
      ['updated_at[end]=20261127', /updated_at\[end\]/],
      ['updated_at[end]=2026-11-27T00:00:00Z', /updated_at\[end\]/],
      ['updated_at[end]=2026-11-27&updated_at[end]=2026-11-28', /updated_at\[end\]/],
      ['updated_at[start]=2026-11-28&updated_at[end]=2026-11-27', /updated_at\[start\] is after updated_at\[end\]/],
      ['updated_at[begin]=2026-11-27', /updated_at\[begin\]/],
      ['updated_since=2026-11-27', /updated_since/],
    ]
    for (const [query, named] of bad) {
      const message = await expectApiError(await syncRequest(server, acme.key, query), 300001)
      assert.match(message, named, query)
    }
    assert.deepEqual(await syncPage(server, acme.key, 'per_page=1000&cursor=9007199254740991'), { data: [], cursor: 9007199254740991 })
    assert.deepEqual(await syncPage(server, acme.key, 'per_page=1&cursor=0'), { data: [], cursor: 0 })
  })

  test(`[${kind.name}] tenants are isolated on both v7 routes: B neither sees nor changes A's cases, A's cursor shows B nothing of A`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const a = await createTestTenant(server.ctx, { slug: 'a', records: [12, 13, 14] })
    const b = await createTestTenant(server.ctx, { slug: 'b', records: [20] })
    for (const cgid of [12, 13, 14]) await putOk(server, a.key, { number_customergauge: cgid, status: 'progress', note: `secret of A ${cgid}` })
    const aFeed = await syncToEnd(server, a.key)
    assert.equal(aFeed.items.length, 3)
    await expectApiError(await putStatus(server, b.key, { number_customergauge: 12, status: 'closed', note: 'by B' }), 400200)
    assert.equal((await getCase(server, a.key, 12)).version, 1)
    assert.deepEqual(await syncToEnd(server, b.key), { items: [], cursor: 0 })
    // A's cursor is only a number: B's feed after it holds B's changes only (none yet), then B's own.
    assert.deepEqual(await syncPage(server, b.key, `cursor=${aFeed.cursor}`), { data: [], cursor: aFeed.cursor })
    await putOk(server, b.key, { number_customergauge: 20, status: 'open' })
    for (const cursor of [0, 1, 2]) {
      const page = await syncPage(server, b.key, `cursor=${cursor}`)
      assert.deepEqual(page.data.map((i) => i.number_customergauge), cursor === 0 ? [20] : [], `B after cursor ${cursor}`)
      assert.doesNotMatch(JSON.stringify(page), /secret of A/)
    }
  })
}
