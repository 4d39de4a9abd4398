// The board (SPEC §7): columns with counts of every match, 50 cards and Show more, filters in the URL,
// Closed limited to 30 days, SLA badges in words, and the live region's fragment.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { importRecords } from '../../src/service/import-records.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, form, post, startTestServer, surveyRecord, workflowUrl, type TestServer } from '../helpers/server.js'
import { addPerson, getPage, signIn, type SignedIn } from '../helpers/web.js'

const DAY = 24 * 3_600_000

/** The count in a column's heading, and the CG-IDs of its cards, in order. */
function column(html: string, name: string): { count: number; cgids: number[]; more: string | null } {
  const section = new RegExp(`<section class="column[^"]*" aria-label="${name}">(.*?)</section>`, 's').exec(html)?.[1]
  assert.ok(section, `a region named ${name}`)
  const count = Number(/<span class="count">(\d+)<\/span>/.exec(section)?.[1])
  const cgids = [...section.matchAll(/<span class="card-title">Case (\d+)<\/span>/g)].map((match) => Number(match[1]))
  const more = /<a class="more" href="([^"]+)">Show more<\/a>/.exec(section)?.[1]?.replaceAll('&amp;', '&') ?? null
  return { count, cgids, more }
}

async function board(server: TestServer, person: SignedIn, query = ''): Promise<string> {
  const answer = await getPage(server.url, `/board${query}`, person)
  assert.equal(answer.status, 200, query)
  return answer.text()
}

for (const kind of TEST_DATABASES) {
  test(`the board's columns count every matching case, show 50, page with Show more, and filter by the URL (${kind.name})`, async (t) => {
    let now = Date.parse('2026-11-01T09:00:00.000Z')
    const server = await startTestServer(kind, { now: () => new Date(now) })
    t.after(() => server.close())
    const cgids = Array.from({ length: 60 }, (_, index) => index + 1)
    const tenant = await createTestTenant(server.ctx, { slug: 'acme', records: cgids, detractors: cgids, users: ['des@acme.test'] })
    await importRecords(server.ctx, 'acme', [
      { ...surveyRecord(12, 2), account: 'Globex Corp', email: 'jane@globex.test', firstName: 'Jane', lastName: 'Doe' },
      { ...surveyRecord(13, 0), account: '100% & co_op' },
    ])
    await addPerson(server.ctx, 'acme', 'me@acme.test')
    const change = (fields: Record<string, string | number>) => post(workflowUrl(server), form(fields), { key: tenant.key })
    for (const cgid of [1, 2, 3, 4, 5]) await change({ number_customergauge: cgid, status: 'PROGRESS' })
    for (const cgid of [6, 7, 8]) await change({ number_customergauge: cgid, status: 'CLOSED' })
    now += 60_000
    await change({ number_customergauge: 10, assigned_to: 'des@acme.test' })
    now += 60_000
    await change({ number_customergauge: 11, assigned_to: 'me@acme.test' })
    now += 40 * DAY
    await change({ number_customergauge: 9, status: 'CLOSED' })
    const person = await signIn(server.url, 'acme', 'me@acme.test')

    const html = await board(server, person)
    const open = column(html, 'Open')
    assert.deepEqual([open.count, open.cgids.length], [51, 50])
    assert.equal(open.cgids[0], 11, 'most recently changed first')
    assert.deepEqual(column(html, 'In progress'), { count: 5, cgids: [5, 4, 3, 2, 1], more: null })
    assert.deepEqual(column(html, 'Closed'), { count: 1, cgids: [9], more: null }, 'closed in the last 30 days only')
    assert.equal(open.more, '/board?open_shown=100')
    assert.equal(column(await board(server, person, '?open_shown=100'), 'Open').cgids.length, 51)
    assert.deepEqual(column(await board(server, person, '?closed=all'), 'Closed').count, 4)

    const only = async (query: string) => {
      const page = await board(server, person, query)
      return ['Open', 'In progress', 'Closed'].flatMap((name) => column(page, name).cgids).sort((a, b) => a - b)
    }
    assert.deepEqual(await only('?assignee=me'), [11])
    assert.deepEqual(await only('?assignee=DES%40acme.test'), [10])
    assert.equal((await only('?assignee=unassigned')).length, 49 + 5 + 1)
    assert.deepEqual(await only('?q=globex'), [12])
    assert.deepEqual(await only('?q=jane+doe'), [12])
    assert.deepEqual(await only('?q=12'), [12])
    assert.deepEqual(await only('?q=100%25'), [13], 'a % in the search is a character, not a wildcard')
    assert.deepEqual(await only('?nps_min=0&nps_max=0'), [13])
    assert.deepEqual(await only('?nps_min=2&nps_max=2&q=jane'), [12])
    for (const bad of ['?nps_min=11', '?nps_min=5&nps_max=2', '?open_shown=abc', '?closed=-1', '?q=a&q=b']) {
      assert.equal((await getPage(server.url, `/board${bad}`, person)).status, 400, bad)
    }
  })

  test(`each card says its SLA state in words: overdue, due in N h, met, missed (${kind.name})`, async (t) => {
    let now = Date.parse('2026-11-01T09:00:00.000Z')
    const server = await startTestServer(kind, { now: () => new Date(now) })
    t.after(() => server.close())
    const tenant = await createTestTenant(server.ctx, { slug: 'acme', records: [1, 2, 3, 4], detractors: [1, 2] })
    await addPerson(server.ctx, 'acme', 'me@acme.test')
    const change = (fields: Record<string, string | number>) => post(workflowUrl(server), form(fields), { key: tenant.key })
    await change({ number_customergauge: 3, status: 'CLOSED' })
    now += 30 * 3_600_000
    await change({ number_customergauge: 2, status: 'CLOSED' })
    await change({ number_customergauge: 4 })
    now += 3 * 3_600_000
    const person = await signIn(server.url, 'acme', 'me@acme.test')
    const html = await board(server, person)
    const badge = (cgid: number) => new RegExp(`id="case-${cgid}".*?<span class="badge sla-[a-z]+">SLA: ([^<]+)</span>`, 's').exec(html)?.[1]
    assert.equal(badge(1), 'overdue', 'open 33 h against 24 h')
    assert.equal(badge(4), 'due in 21 h', 'opened 3 h ago')
    assert.equal(badge(3), 'met')
    assert.equal(badge(2), 'missed', 'followed up after 30 h')
  })

  test(`the live refresh gets only the columns, with the tenant's sequence (${kind.name})`, async (t) => {
    const server = await startTestServer(kind)
    t.after(() => server.close())
    const tenant = await createTestTenant(server.ctx, { slug: 'acme', records: [1], detractors: [1] })
    await addPerson(server.ctx, 'acme', 'me@acme.test')
    const person = await signIn(server.url, 'acme', 'me@acme.test')
    const before = (await (await getPage(server.url, '/live', person)).json()).seq as number
    await post(workflowUrl(server), form({ number_customergauge: 1, status: 'CLOSED' }), { key: tenant.key })
    assert.equal((await (await getPage(server.url, '/live', person)).json()).seq, before + 1)
    const fragment = await (await getPage(server.url, '/board', person, { 'x-firehouse-fragment': '1' })).text()
    assert.ok(fragment.startsWith(`<div id="live-region" class="columns" data-live-seq="${before + 1}">`), fragment.slice(0, 80))
    assert.ok(!fragment.includes('<html'))
    assert.deepEqual(column(fragment, 'Closed').cgids, [1])
  })
}
