// GET /insights over real HTTP on a test clock: the exact figures of one tenant, in tables and SVG charts.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { caller, createTestTenant, expectOk, form, startTestServer, type TestServer } from '../helpers/server.js'
import { addPerson, getPage, signIn } from '../helpers/web.js'

const NOW = '2026-12-10T15:00:00.000Z'
const VIEWER = 'ann@acme.test'

type Step = [at: string, cgid: number, fields?: Record<string, string>]

/**
 * Acme's cases, at minute precision (all 2026, UTC). The window is 2026-11-11 to 2026-12-10.
 * Follow-ups in the window: 1800, 7200, 10800, 18000, 345600, 6091200 s. Closes: 7200, 18000, 172800, 2851200, 6091200 s.
 */
const ACME: Step[] = [
  ['12-01T09:00', 1], ['12-01T09:30', 1, { status: 'PROGRESS' }], ['12-01T11:00', 1, { status: 'CLOSED' }],
  ['12-01T10:00', 2], ['12-01T13:00', 2, { status: 'in-progress' }], ['12-03T10:00', 2, { status: 'close' }],
  ['12-05T08:00', 3], ['12-05T13:00', 3, { status: 'CLOSED' }],
  ['12-02T00:00', 4, { assigned_to: VIEWER }], ['12-06T00:00', 4, { status: 'PROGRESS' }],
  ['12-10T09:00', 5, { assigned_to: 'Ann@Acme.test' }],
  ['12-10T10:00', 6, { assigned_to: 'bob@acme.test' }],
  // Opened long before the window, closed today: counted among today's closes and the timings.
  ['10-01T00:00', 7], ['12-10T12:00', 7, { status: 'CLOSED' }],
  // Opened the day before the window (not counted as opened), followed up on its first day.
  ['11-10T23:00', 8], ['11-11T01:00', 8, { status: 'PROGRESS' }],
  // Closed, then re-opened: neither a close nor a follow-up any more.
  ['12-08T12:00', 9], ['12-08T14:00', 9, { status: 'CLOSED' }], ['12-09T00:00', 9, { status: 'OPEN' }],
  // Followed up before the window, closed within it: a close (33 d) but no follow-up of the window.
  ['11-01T00:00', 10], ['11-02T00:00', 10, { status: 'PROGRESS' }], ['12-04T00:00', 10, { status: 'CLOSED' }],
  // Closed before the window, commented within it: neither a close nor a follow-up of the window.
  ['10-01T00:00', 11], ['10-05T00:00', 11, { status: 'CLOSED' }], ['12-09T08:00', 11, { comment: 'Called back again' }],
]

/** Globex, on the same days and with the same assignee: none of it may show on Acme's page. */
const GLOBEX: Step[] = [
  ['12-01T09:00', 1, { assigned_to: VIEWER }], ['12-01T09:10', 1, { status: 'PROGRESS' }],
  ['12-01T10:00', 2], ['12-01T10:05', 2, { status: 'CLOSED' }],
  ['12-10T09:00', 3, { assigned_to: VIEWER }],
]

const cgidsOf = (steps: Step[]) => [...new Set(steps.map(([, cgid]) => cgid))]

/** Sends each step to v4.1 with the clock at its time. */
async function play(server: TestServer, key: string, setClock: (iso: string) => void, steps: Step[]) {
  const send = caller(server, key)
  for (const [at, cgid, fields] of steps) {
    setClock(`2026-${at}:00.000Z`)
    await expectOk(await send(form({ number_customergauge: cgid, ...fields })), cgid)
  }
}

/** Both tenants seeded, the clock at NOW, and Acme's page as Ann sees it. */
async function insightsOf(kind: TestDatabaseKind, t: TestContext) {
  let clock = new Date(NOW)
  const server = await startTestServer(kind, { now: () => clock })
  t.after(server.close)
  const setClock = (iso: string) => (clock = new Date(iso))
  const acme = await createTestTenant(server.ctx, { slug: 'acme', users: ['bob@acme.test'], records: cgidsOf(ACME), autoOpen: false })
  await addPerson(server.ctx, 'acme', VIEWER)
  const globex = await createTestTenant(server.ctx, { slug: 'globex', users: [VIEWER], records: cgidsOf(GLOBEX), autoOpen: false })
  await play(server, acme.key, setClock, ACME)
  await play(server, globex.key, setClock, GLOBEX)
  setClock(NOW)
  const ann = await signIn(server.url, 'acme', VIEWER)
  const answer = await getPage(server.url, '/insights', ann)
  const html = await answer.text()
  assert.equal(answer.status, 200, html.slice(0, 300))
  return { server, html }
}

/** The rows of the table with this caption, as [heading cell, …data cells] of text. */
function tableRows(html: string, caption: string): string[][] {
  const table = new RegExp(`<table><caption>${caption}</caption>([\\s\\S]*?)</table>`).exec(html)
  assert.ok(table, `a table captioned "${caption}"`)
  const body = /<tbody>([\s\S]*)<\/tbody>/.exec(table[1]!)![1]!
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((cell) => cell[1]!.replace(/<[^>]+>/g, '')),
  )
}

const row = (rows: string[][], label: string) => rows.find((cells) => cells[0] === label)

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] /insights shows the tenant's figures in tables and charts`, async (t) => {
    const { server, html } = await insightsOf(kind, t)

    await t.test('counts by phase count only this tenant, re-opened cases as open', () => {
      assert.deepEqual(tableRows(html, 'Cases by phase'), [['Open', '3'], ['In progress', '2'], ['Closed', '6']])
    })

    await t.test('per day: 30 UTC days, oldest first, with the cases opened and closed on each', () => {
      const rows = tableRows(html, 'Cases opened and closed per day, last 30 days')
      assert.equal(rows.length, 30)
      assert.deepEqual(rows[0], ['2026-11-11', '0', '0'])
      assert.deepEqual(rows[29], ['2026-12-10', '2', '1'])
      assert.deepEqual(row(rows, '2026-12-01'), ['2026-12-01', '2', '1'])
      assert.deepEqual(row(rows, '2026-12-03'), ['2026-12-03', '0', '1'])
      assert.deepEqual(row(rows, '2026-12-04'), ['2026-12-04', '0', '1'])
      assert.deepEqual(row(rows, '2026-12-08'), ['2026-12-08', '1', '0'])
      assert.equal(row(rows, '2026-11-10'), undefined)
      const total = (column: number) => rows.reduce((sum, cells) => sum + Number(cells[column]), 0)
      assert.deepEqual([total(1), total(2)], [7, 5])
    })

    await t.test('time to follow-up: median and p90 (interpolated) of the 6 follow-ups in the window, and their spread', () => {
      const caption = 'Time to follow-up of the 6 cases followed up in the last 30 days'
      assert.deepEqual(tableRows(html, caption), [['Median', '4 h'], ['90th percentile', '37 d 6 h']])
      assert.match(html, /<time datetime="PT14400S">4 h<\/time>/)
      assert.match(html, /<time datetime="PT3218400S">37 d 6 h<\/time>/)
      const spread = tableRows(html, 'Distribution of time to follow-up').map((cells) => cells[1])
      assert.deepEqual(spread, ['1', '2', '1', '0', '1', '1'])
    })

    await t.test('time to close: median and p90 of the 5 cases closed in the window, and their spread', () => {
      const caption = 'Time to close of the 5 cases closed in the last 30 days'
      assert.deepEqual(tableRows(html, caption), [['Median', '2 d'], ['90th percentile', '55 d 12 h']])
      assert.match(html, /<time datetime="PT172800S">2 d<\/time>/)
      assert.match(html, /<time datetime="PT4795200S">55 d 12 h<\/time>/)
      assert.deepEqual(tableRows(html, 'Distribution of time to close'), [
        ['Under 1 h', '0'], ['1–4 h', '1'], ['4–24 h', '1'], ['1–3 d', '1'], ['3–7 d', '0'], ['7 d or more', '2'],
      ])
    })

    await t.test('open cases per assignee: one row per user however v4.1 spelt the e-mail, unassigned its own row, most first', () => {
      const rows = tableRows(html, 'Open cases per assignee')
      assert.deepEqual(rows, [['ann@acme.test', '2'], ['Unassigned', '2'], ['bob@acme.test', '1']])
    })

    await t.test('every chart is an SVG image with a title and a summary of its figures as its name', () => {
      const charts = [...html.matchAll(/<svg ([^>]*)><title>([^<]*)<\/title>/g)]
      assert.equal(charts.length, 5)
      for (const chart of charts) assert.match(chart[1]!, /role="img" aria-label="[^"]{20,}"/)
      assert.match(html, /aria-label="Cases by phase: Open 3, In progress 2, Closed 6\."/)
      assert.match(html, /aria-label="Open cases per assignee: ann@acme.test 2, Unassigned 2, bob@acme.test 1\."/)
      assert.match(html, /aria-label="Cases opened and closed per day over the last 30 days: 7 opened and 5 closed in all\. Most opened on 1 Dec: 2\."/)
      assert.match(html, /<text[^>]*class="axis-title"[^>]*>Cases<\/text>/)
      assert.match(html, /<h1>Insights<\/h1>/)
      assert.equal([...html.matchAll(/<h2 /g)].length, 5)
    })

    await t.test('the page has no inline style or script, which the CSP would block', () => {
      assert.doesNotMatch(html, /\sstyle=|<style|<script(?![^>]*\ssrc=)/)
    })

    await t.test('a tenant without cases sees zeros and says there is nothing to time or count per assignee', async () => {
      await createTestTenant(server.ctx, { slug: 'initech' })
      await addPerson(server.ctx, 'initech', 'peter@initech.test')
      const peter = await signIn(server.url, 'initech', 'peter@initech.test')
      const empty = await (await getPage(server.url, '/insights', peter)).text()
      assert.deepEqual(tableRows(empty, 'Cases by phase'), [['Open', '0'], ['In progress', '0'], ['Closed', '0']])
      assert.ok(tableRows(empty, 'Cases opened and closed per day, last 30 days').every((cells) => cells[1] === '0' && cells[2] === '0'))
      assert.match(empty, /No case was followed up in the last 30 days\./)
      assert.match(empty, /No case was closed in the last 30 days\./)
      assert.match(empty, /No open cases\./)
      assert.equal([...empty.matchAll(/<svg [^>]*role="img"/g)].length, 2)
    })

    await t.test('without a session, /insights redirects to sign-in (303)', async () => {
      const answer = await fetch(`${server.url}/insights`, { redirect: 'manual' })
      assert.equal(answer.status, 303)
      assert.equal(answer.headers.get('location'), '/login?next=%2Finsights')
    })
  })
}
