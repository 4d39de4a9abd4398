// The board's defences (SPEC §7): CSRF token and origin checks, security headers, sessions that end,
// tenant isolation on every page, and text shown escaped.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { deactivateUser, setPassword } from '../../src/service/users.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, form, post, serverPerFile, uniqueSlug, workflowUrl, type TestServer } from '../helpers/server.js'
import { addPerson, getPage, postForm, signIn, TEST_PASSWORD, type SignedIn } from '../helpers/web.js'

async function historyLength(server: TestServer, tenant: string, cgid: number): Promise<number> {
  return (await showCase(server.ctx, tenant, cgid)).history.length
}

const serverFor = serverPerFile()

for (const kind of TEST_DATABASES) {
  test(`a state-changing POST without the token, with a wrong token or from another origin is 403 and writes nothing (${kind.name})`, async () => {
    const server = await serverFor(kind)
    const slug = uniqueSlug()
    await createTestTenant(server.ctx, { slug, records: [7] })
    await addPerson(server.ctx, slug, 'agent@acme.test')
    const person = await signIn(server.url, slug, 'agent@acme.test')
    const change = { status: 'CLOSED', assigned_to: '', comment: 'closing', version: '0' }
    const refused: [string, SignedIn, Record<string, string>, Record<string, string>][] = [
      ['no token', person, { ...change, _csrf: '' }, {}],
      ['a wrong token', person, { ...change, _csrf: 'A'.repeat(43) }, {}],
      ['a foreign Origin', person, change, { origin: 'https://evil.example' }],
      ['Origin null', person, change, { origin: 'null' }],
      ['a cross-site fetch', person, change, { 'sec-fetch-site': 'cross-site' }],
      ['a same-site fetch', person, change, { 'sec-fetch-site': 'same-site' }],
    ]
    for (const [what, who, fields, headers] of refused) {
      const answer = await postForm(server.url, '/cases/7', who, fields, headers)
      assert.equal(answer.status, 403, what)
      assert.match(answer.headers.get('content-type') ?? '', /^text\/html/)
    }
    // Sign-in itself is checked for its origin too.
    const foreignLogin = await postForm(server.url, '/login', null, { workspace: slug, email: 'agent@acme.test', password: TEST_PASSWORD }, { origin: 'https://evil.example' })
    assert.equal(foreignLogin.status, 403)
    assert.equal(foreignLogin.headers.get('set-cookie'), null)
    assert.equal(await historyLength(server, slug, 7), 0, 'nothing was written')
    // The same form from the server's own origin goes through.
    const own = await postForm(server.url, '/cases/7', person, change, { origin: server.url, 'sec-fetch-site': 'same-origin' })
    assert.equal(own.status, 303, await own.text())
    assert.equal(await historyLength(server, slug, 7), 1)
  })

  test(`pages send the CSP without unsafe-inline, frame-ancestors 'none', nosniff and Referrer-Policy same-origin (${kind.name})`, async () => {
    const server = await serverFor(kind)
    const slug = uniqueSlug()
    await createTestTenant(server.ctx, { slug, records: [7] })
    await addPerson(server.ctx, slug, 'admin@acme.test', 'admin')
    const person = await signIn(server.url, slug, 'admin@acme.test')
    const pages = [await fetch(`${server.url}/login`), ...(await Promise.all(['/board', '/cases/7', '/cases/999'].map((path) => getPage(server.url, path, person))))]
    for (const page of pages) {
      const csp = page.headers.get('content-security-policy') ?? ''
      assert.match(csp, /script-src 'self'/, page.url)
      assert.match(csp, /frame-ancestors 'none'/)
      assert.ok(!csp.includes('unsafe-inline'), csp)
      assert.equal(page.headers.get('x-content-type-options'), 'nosniff')
      assert.equal(page.headers.get('referrer-policy'), 'same-origin')
      const html = await page.text()
      assert.ok(!/<script(?![^>]*\bsrc=)[^>]*>/.test(html), 'no inline script')
      assert.ok(!/\sstyle=/.test(html), 'no inline style')
    }
  })

  test(`deactivating a user or setting a new password ends their sessions at the next request (${kind.name})`, async () => {
    const server = await serverFor(kind)
    const slug = uniqueSlug()
    await createTestTenant(server.ctx, { slug })
    await addPerson(server.ctx, slug, 'leaver@acme.test')
    await addPerson(server.ctx, slug, 'stayer@acme.test')
    const leaver = await signIn(server.url, slug, 'leaver@acme.test')
    const stayer = await signIn(server.url, slug, 'stayer@acme.test')
    await deactivateUser(server.ctx, slug, 'leaver@acme.test')
    assert.equal((await getPage(server.url, '/board', leaver)).status, 303)
    assert.equal((await getPage(server.url, '/live', leaver)).status, 303)
    assert.equal((await getPage(server.url, '/board', stayer)).status, 200)
    await setPassword(server.ctx, slug, 'stayer@acme.test', 'a brand new password')
    assert.equal((await getPage(server.url, '/board', stayer)).status, 303)
    const again = await signIn(server.url, slug, 'stayer@acme.test', 'a brand new password')
    // The session look-up checks the active flag itself, not only the deletion that deactivating
    // does: a user switched off by any other path (a restore, another node's bulk change) is out too.
    await server.ctx.store.db.updateTable('users').set({ active: 0 }).where('email_lower', '=', 'stayer@acme.test').execute()
    assert.equal((await getPage(server.url, '/board', again)).status, 303)
  })

  test(`a person of tenant A sees nothing of tenant B on any page: B's case is 404, A's live sequence is A's (${kind.name})`, async () => {
    const server = await serverFor(kind)
    const a = await createTestTenant(server.ctx, { slug: uniqueSlug('tenant-a'), records: [1] })
    const b = await createTestTenant(server.ctx, { slug: uniqueSlug('tenant-b'), records: [2, 3], detractors: [2, 3] })
    await post(workflowUrl(server), form({ number_customergauge: 3, comment: 'secret of b', status: 'CLOSED' }), { key: b.key })
    await addPerson(server.ctx, a.slug, 'agent@a.test')
    const person = await signIn(server.url, a.slug, 'agent@a.test')
    for (const cgid of [2, 3, 999]) {
      const page = await getPage(server.url, `/cases/${cgid}`, person)
      assert.equal(page.status, 404, `case ${cgid}`)
      assert.ok(!(await page.text()).includes('secret of b'))
    }
    const write = await postForm(server.url, '/cases/2', person, { status: 'CLOSED', assigned_to: '', comment: 'x', version: '0' })
    assert.equal(write.status, 404)
    assert.equal(await historyLength(server, b.slug, 2), 1, "B's case is untouched")
    const board = await (await getPage(server.url, '/board?closed=all', person)).text()
    assert.ok(!/Case [23]\b/.test(board), 'no case of B on A’s board')
    assert.equal((await (await getPage(server.url, '/live', person)).json()).seq, 0)
    assert.ok(a.key !== b.key)
  })

  test(`HTML-special and right-to-left text in comments, names and accounts is shown escaped, never interpreted (${kind.name})`, async () => {
    const server = await serverFor(kind)
    const slug = uniqueSlug()
    const tenant = await createTestTenant(server.ctx, { slug, records: [4], detractors: [4] })
    const hostile = `<script>alert("x")</script><img src=x onerror=alert(1)> & "quotes" 'single' مرحبا بالعالم \u202Eevil`
    await addPerson(server.ctx, slug, 'agent@acme.test', 'agent', hostile)
    await post(workflowUrl(server), form({ number_customergauge: 4, comment: hostile, assigned_to: 'agent@acme.test' }), { key: tenant.key })
    const person = await signIn(server.url, slug, 'agent@acme.test')
    for (const path of ['/board', '/cases/4']) {
      const html = await (await getPage(server.url, path, person)).text()
      assert.ok(!html.includes('<script>alert'), `${path}: no raw script`)
      assert.ok(!html.includes('<img src=x'), `${path}: no raw img`)
      assert.ok(html.includes('&lt;script>alert(&quot;x&quot;)&lt;/script>') || html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'), `${path}: escaped`)
      assert.ok(html.includes('مرحبا بالعالم'), `${path}: RTL text intact`)
    }
  })
}
