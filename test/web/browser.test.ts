// The board in real Chromium (SPEC §7): sign-in, columns and counts, saving a case, live refresh, sign-out, axe, screenshots.

import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { after, test, type TestContext } from 'node:test'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import type { SurveyRecordInput } from '../../src/domain/survey-record.js'
import type { CaseJson } from '../../src/service/case-view.js'
import { importRecords } from '../../src/service/import-records.js'
import { addUser } from '../../src/service/users.js'
import { api, expectJson } from '../helpers/api-v1.js'
import { BROWSER_SKIP, describeViolations, launchBrowser, newAxeContext, seriousAxeViolations } from '../helpers/browser.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { caller, createTestTenant, expectOk, form, startTestServer, type TestServer, type TestTenant } from '../helpers/server.js'
import { addPerson, signIn, TEST_PASSWORD } from '../helpers/web.js'

const AGENT = 'agent@acme.test'
const ADMIN = 'admin@acme.test'
const COLLEAGUE = 'des.patch@acme.test'
const SHOTS = process.env.FIREHOUSE_SCREENSHOTS

type ColumnName = 'Open' | 'In progress' | 'Closed'

let shared: Promise<Browser> | undefined
/** One browser for the whole file, launched by the first test that needs it. */
const theBrowser = () => (shared ??= launchBrowser())
/** One server per database for the file (each test seeds a tenant of its own on it). */
const servers = new Map<string, Promise<TestServer>>()
function serverFor(kind: TestDatabaseKind): Promise<TestServer> {
  if (!servers.has(kind.name)) servers.set(kind.name, startTestServer(kind))
  return servers.get(kind.name)!
}
after(async () => {
  for (const server of servers.values()) await (await server).close()
  if (shared) await (await shared).close()
})

function record(cgid: number, nps: number, fields: Partial<SurveyRecordInput> = {}): SurveyRecordInput {
  const empty = { comment: null, account: null, email: null, firstName: null, lastName: null, dateCreation: null, extra: {} }
  return { numberCustomergauge: cgid, nps, ...empty, ...fields }
}

const RECORDS = [
  // Long names, account, e-mail and comment: the screenshots show how they wrap at 390 px.
  record(101, 2, {
    firstName: 'Margaretha',
    lastName: 'van den Berg-Hoogeveen',
    account: 'Directness International Holdings (Benelux) B.V.',
    email: 'margaretha.van.den.berg-hoogeveen@directness-international.example',
    comment: 'The delivery came three weeks late and nobody answered the phone. '.repeat(3).trim(),
    dateCreation: '2026-11-20',
  }),
  record(102, 5, { firstName: 'Jo', lastName: 'Lee', account: 'Lee & Co', email: 'jo@lee.example' }),
  record(103, 0, { account: 'Initech' }),
  record(104, 4),
  record(105, 6),
  record(106, 9, { firstName: 'Pat', account: 'Happy Ltd' }),
]

/** Seeded: 101 and 102 open, 103 in progress (assigned, with a comment), 104 and 105 closed; 106 a promoter without a case. */
const SEEDED: Record<ColumnName, number[]> = { Open: [101, 102], 'In progress': [103], Closed: [104, 105] }

interface Fixture {
  server: TestServer
  tenant: TestTenant
}

let tenants = 0

/** A tenant of the test's own with the seeded cases, the colleague and the people asked for (each hash costs a second). */
async function startBoard(kind: TestDatabaseKind, people: readonly string[] = [AGENT]): Promise<Fixture> {
  const server = await serverFor(kind)
  const tenant = await createTestTenant(server.ctx, { slug: `acme-${++tenants}` })
  await addUser(server.ctx, tenant.slug, COLLEAGUE, 'Des Patch')
  for (const email of people) {
    await addPerson(server.ctx, tenant.slug, email, email === ADMIN ? 'admin' : 'agent', email === ADMIN ? 'Ada Admin' : 'Alex Agent')
  }
  await importRecords(server.ctx, tenant.slug, RECORDS)
  const fixture = { server, tenant }
  await workflow(fixture, { number_customergauge: 103, status: 'IN-PROGRESS', assigned_to: COLLEAGUE, comment: 'Left a voicemail' })
  await workflow(fixture, { number_customergauge: 104, status: 'CLOSE' })
  await workflow(fixture, { number_customergauge: 105, status: 'CLOSED', comment: 'Refunded' })
  return fixture
}

async function workflow({ server, tenant }: Fixture, fields: Record<string, string | number>): Promise<void> {
  await expectOk(await caller(server, tenant.key)(form(fields)), Number(fields.number_customergauge))
}

async function readCase({ server, tenant }: Fixture, cgid: number): Promise<CaseJson> {
  return expectJson<CaseJson>(await api(server, tenant.key, `/cases/${cgid}`))
}

/** A fresh browser context (closed after the test) and its page, with the page's script errors collected. */
async function openPage(t: TestContext, open: (browser: Browser) => Promise<BrowserContext> = (browser) => browser.newContext()) {
  const context = await open(await theBrowser())
  t.after(() => context.close())
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    // Chromium asks every origin for /favicon.ico; the board has none, and that 404 is no page's fault.
    const where = message.location().url
    if (message.type() === 'error' && !where.endsWith('/favicon.ico')) errors.push(`${message.text()} at ${where}`)
  })
  page.on('response', (response) => void (response.status() >= 400 && errors.push(`${response.status()} ${response.url()}`)))
  return { context, page, errors }
}

async function signInThroughForm(page: Page, { server, tenant }: Fixture, email: string): Promise<void> {
  await page.goto(`${server.url}/login`)
  await page.getByLabel('Workspace').fill(tenant.slug)
  await page.getByLabel('Email').fill(email)
  await page.getByLabel('Password').fill(TEST_PASSWORD)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL(`${server.url}/board`)
}

/** A signed-in context without going through the form (for the checks that are not about sign-in). */
async function signedInContext(browser: Browser, { server, tenant }: Fixture, email: string, newContext = (b: Browser) => b.newContext()) {
  const context = await newContext(browser)
  const { cookie } = await signIn(server.url, tenant.slug, email)
  const [name, value] = cookie.split('=') as [string, string]
  await context.addCookies([{ name, value, url: server.url }])
  return context
}

/** What a column shows: the count in its heading and the CG-IDs of its cards, in order. */
async function column(page: Page, name: ColumnName): Promise<{ count: number; cases: number[] }> {
  const region = page.getByRole('region', { name, exact: true })
  const heading = (await region.getByRole('heading', { level: 2 }).innerText()).trim()
  const match = /^(.+?)\s+(\d+)$/.exec(heading)
  assert.ok(match && match[1] === name, `the ${name} column's heading names it and its count: "${heading}"`)
  const links = await region.getByRole('link', { name: /^Case \d+/ }).allInnerTexts()
  return { count: Number(match[2]), cases: links.map((text) => Number(/^Case (\d+)/.exec(text)![1])) }
}

async function expectColumns(page: Page, expected: Record<ColumnName, number[]>): Promise<void> {
  for (const [name, cases] of Object.entries(expected) as [ColumnName, number[]][]) {
    const shown = await column(page, name)
    const sorted = [...shown.cases].sort((a, b) => a - b)
    assert.deepEqual({ count: shown.count, cases: sorted }, { count: cases.length, cases }, `the ${name} column`)
  }
}

/** Retries an assertion until it holds or the deadline passes (then fails with its last error). */
async function eventually(check: () => Promise<void>, deadlineMs = 5_000): Promise<void> {
  const deadline = Date.now() + deadlineMs
  for (;;) {
    try {
      return await check()
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
}

const skip = BROWSER_SKIP

for (const kind of TEST_DATABASES) {
  test(`signing in through the form shows each seeded case as a card in its phase's column, with the counts (${kind.name})`, { skip }, async (t) => {
    const fixture = await startBoard(kind)
    const { page, errors } = await openPage(t)
    await signInThroughForm(page, fixture, AGENT)
    await expectColumns(page, SEEDED)
    assert.equal(await page.getByRole('link', { name: /^Case 106\b/ }).count(), 0, 'a record without a case has no card')
    assert.deepEqual(errors, [], 'no script or CSP error on the board')
  })

  test(`saving the case form writes one history entry by user:<email> with the status, assignee and comment chosen (${kind.name})`, { skip }, async (t) => {
    const fixture = await startBoard(kind)
    const { page, errors } = await openPage(t)
    await signInThroughForm(page, fixture, AGENT)
    const before = await readCase(fixture, 101)
    await page.getByRole('region', { name: 'Open', exact: true }).getByRole('link', { name: /^Case 101\b/ }).click()
    await page.waitForURL(`${fixture.server.url}/cases/101`)
    await page.getByRole('heading', { level: 1, name: 'Case 101' }).waitFor()
    const comment = 'Called back — customer happy with the refund (ünïcödé ✓)'
    await page.getByLabel('Status', { exact: true }).selectOption({ label: 'In progress' })
    await page.getByLabel('Assigned to', { exact: true }).selectOption({ label: `Des Patch (${COLLEAGUE})` })
    await page.getByLabel('Comment', { exact: true }).fill(comment)
    const [saved] = await Promise.all([
      page.waitForResponse((response) => response.request().method() === 'POST' && response.url().endsWith('/cases/101')),
      page.getByRole('button', { name: 'Save' }).click(),
    ])
    assert.equal(saved.status(), 303, `the save is accepted: ${await saved.text().catch(() => '')}`)
    await page.waitForURL(`${fixture.server.url}/cases/101`)

    const entries = page.getByRole('region', { name: 'Timeline' }).getByRole('listitem')
    await eventually(async () => assert.equal(await entries.count(), before.history.length + 1))
    const shown = await entries.last().innerText()
    for (const part of [`user:${AGENT}`, 'Open → In progress', `unassigned → ${COLLEAGUE}`, comment]) {
      assert.ok(shown.includes(part), `the timeline's new entry shows "${part}": ${shown}`)
    }

    const after = await readCase(fixture, 101)
    assert.equal(after.history.length, before.history.length + 1, 'exactly one new history entry')
    const entry = after.history.at(-1)!
    const { actor, status_from, status_to, assigned_from, assigned_to } = entry
    assert.deepEqual(
      { actor, status_from, status_to, assigned_from, assigned_to, comment: entry.comment },
      { actor: `user:${AGENT}`, status_from: 'OPEN', status_to: 'PROGRESS', assigned_from: null, assigned_to: COLLEAGUE, comment },
    )
    assert.equal(after.status, 'PROGRESS')
    assert.equal(after.assigned_to, COLLEAGUE)
    assert.deepEqual(errors, [])
  })

  test(`a change through v4.1 moves the card and the counts on an open board within 5 s, without a reload (${kind.name})`, { skip }, async (t) => {
    const fixture = await startBoard(kind)
    const { page, errors } = await openPage(t)
    await signInThroughForm(page, fixture, AGENT)
    await expectColumns(page, SEEDED)
    await page.evaluate(() => void ((window as unknown as { boardMarker: string }).boardMarker = 'still this page'))
    await workflow(fixture, { number_customergauge: 102, status: 'CLOSED' })
    await workflow(fixture, { number_customergauge: 103, status: 'OPEN' })
    await eventually(() => expectColumns(page, { Open: [101, 103], 'In progress': [], Closed: [102, 104, 105] }))
    assert.equal(await page.evaluate(() => (window as unknown as { boardMarker?: string }).boardMarker), 'still this page', 'no navigation happened')
    assert.deepEqual(errors, [])
  })

  test(`Sign out ends the session: the old cookie then gets a 303 to /login for /board (${kind.name})`, { skip }, async (t) => {
    const fixture = await startBoard(kind)
    const { context, page } = await openPage(t)
    await signInThroughForm(page, fixture, AGENT)
    const session = (await context.cookies(fixture.server.url)).find((cookie) => cookie.name === 'fh_session')
    assert.ok(session, 'the browser holds the session cookie')
    const board = () => fetch(`${fixture.server.url}/board`, { redirect: 'manual', headers: { cookie: `fh_session=${session.value}` } })
    assert.equal((await board()).status, 200, 'the cookie works before signing out')
    await page.getByRole('button', { name: 'Sign out' }).click()
    await page.waitForURL((url) => url.pathname === '/login')
    const answer = await board()
    assert.equal(answer.status, 303)
    assert.match(answer.headers.get('location') ?? '', /^\/login\b/)
  })

  test(`axe finds no serious or critical violation on /login, /board, a case page, /insights and /settings (${kind.name})`, { skip }, async (t) => {
    const fixture = await startBoard(kind, [AGENT, ADMIN])
    const browser = await theBrowser()
    const contexts = {
      visitor: await newAxeContext(browser),
      agent: await signedInContext(browser, fixture, AGENT, newAxeContext),
      admin: await signedInContext(browser, fixture, ADMIN, newAxeContext),
    }
    t.after(() => Promise.all(Object.values(contexts).map((context) => context.close())))
    const pages: [string, keyof typeof contexts][] = [
      ['/login', 'visitor'],
      ['/board', 'agent'],
      ['/cases/103', 'agent'],
      ['/insights', 'agent'],
      ['/settings', 'admin'],
    ]
    for (const [path, who] of pages) {
      await t.test(path, async () => {
        const page = await contexts[who].newPage()
        const response = await page.goto(`${fixture.server.url}${path}`)
        assert.equal(response?.status(), 200, `${path} answers 200 for the ${who}`)
        assert.equal(new URL(page.url()).pathname, path)
        const violations = await seriousAxeViolations(page)
        assert.equal(violations.length, 0, `${path}:\n${describeViolations(violations)}`)
        await page.close()
      })
    }
  })

  test(`screenshots of every page at 1280×800 and 390×844 go to FIREHOUSE_SCREENSHOTS, and no page scrolls sideways (${kind.name})`, { skip: skip || (!SHOTS && 'FIREHOUSE_SCREENSHOTS is not set') }, async (t) => {
    const fixture = await startBoard(kind, [ADMIN])
    const note = 'Spoke to Margaretha: the courier lost the parcel twice; we re-shipped with tracking and refunded the postage.'
    await workflow(fixture, { number_customergauge: 101, status: 'PROGRESS', assigned_to: COLLEAGUE, comment: note })
    const browser = await theBrowser()
    mkdirSync(SHOTS!, { recursive: true })
    const problems = new Set<string>()
    const pages = [['login', '/login'], ['board', '/board'], ['case', '/cases/101'], ['insights', '/insights'], ['settings', '/settings']] as const
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      const visitor = await browser.newContext({ viewport })
      const admin = await signedInContext(browser, fixture, ADMIN, (b) => b.newContext({ viewport }))
      t.after(() => Promise.all([visitor.close(), admin.close()]))
      for (const [name, path] of pages) {
        const page = await (name === 'login' ? visitor : admin).newPage()
        const status = (await page.goto(`${fixture.server.url}${path}`))?.status()
        // A page that is missing or too wide is photographed all the same, and reported once all are taken.
        if (status !== 200) problems.add(`${path} answers ${status}`)
        const sideways = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
        if (sideways > 0) problems.add(`${path} scrolls sideways by ${sideways} px at ${viewport.width} px`)
        await page.screenshot({ path: join(SHOTS!, `${kind.name}-${viewport.width}-${name}.png`), fullPage: true })
        await page.close()
      }
    }
    assert.deepEqual([...problems], [])
  })
}
