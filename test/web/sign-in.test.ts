// Sign-in (SPEC §7): one answer for every wrong combination, the 5-in-15-minutes throttle, cookies, sign-out.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { deactivateUser, addUser } from '../../src/service/users.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, startTestServer } from '../helpers/server.js'
import { addPerson, getPage, postForm, signIn, TEST_PASSWORD } from '../helpers/web.js'

function login(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return postForm(url, '/login', null, fields, headers)
}

for (const kind of TEST_DATABASES) {
  test(`every wrong workspace, e-mail or password answers the same 401 body (${kind.name})`, async (t) => {
    const server = await startTestServer(kind)
    t.after(() => server.close())
    await createTestTenant(server.ctx, { slug: 'acme' })
    await createTestTenant(server.ctx, { slug: 'other' })
    await addPerson(server.ctx, 'acme', 'agent@acme.test')
    await addPerson(server.ctx, 'acme', 'gone@acme.test')
    await deactivateUser(server.ctx, 'acme', 'gone@acme.test')
    await addUser(server.ctx, 'acme', 'nopassword@acme.test')
    await addPerson(server.ctx, 'other', 'elsewhere@other.test')
    const wrong = [
      { workspace: 'nope', email: 'agent@acme.test', password: TEST_PASSWORD },
      { workspace: 'acme', email: 'nobody@acme.test', password: TEST_PASSWORD },
      { workspace: 'acme', email: 'agent@acme.test', password: 'wrong password!' },
      { workspace: 'acme', email: 'gone@acme.test', password: TEST_PASSWORD },
      { workspace: 'acme', email: 'nopassword@acme.test', password: TEST_PASSWORD },
      { workspace: 'acme', email: 'elsewhere@other.test', password: TEST_PASSWORD },
      { workspace: 'acme', email: 'agent@acme.test', password: 'x'.repeat(300) },
      { workspace: '', email: '', password: '' },
    ]
    const bodies = new Set<string>()
    for (const fields of wrong) {
      const answer = await login(server.url, fields)
      assert.equal(answer.status, 401, JSON.stringify(fields))
      assert.equal(answer.headers.get('set-cookie'), null)
      const body = await answer.text()
      assert.match(body, /Email or password is wrong/)
      bodies.add(body)
    }
    assert.equal(bodies.size, 1, 'one body for every wrong combination')
    // The right combination, for contrast, signs in (and e-mail case does not matter).
    const right = await login(server.url, { workspace: 'acme', email: 'AGENT@acme.test', password: TEST_PASSWORD })
    assert.equal(right.status, 303)
  })

  test(`the 6th failed attempt within 15 minutes answers 429 even with the right password, until the oldest is 15 minutes old (${kind.name})`, async (t) => {
    let now = Date.parse('2026-12-01T10:00:00.000Z')
    const server = await startTestServer(kind, { now: () => new Date(now) })
    t.after(() => server.close())
    await createTestTenant(server.ctx, { slug: 'acme' })
    await addPerson(server.ctx, 'acme', 'agent@acme.test')
    await addPerson(server.ctx, 'acme', 'other@acme.test')
    const wrong = { workspace: 'acme', email: 'agent@acme.test', password: 'not the password' }
    const right = { ...wrong, password: TEST_PASSWORD }
    for (let attempt = 1; attempt <= 5; attempt++) {
      assert.equal((await login(server.url, wrong)).status, 401, `attempt ${attempt}`)
      now += 60_000
    }
    const throttled = await login(server.url, right)
    assert.equal(throttled.status, 429)
    assert.match(await throttled.text(), /Too many attempts, try again later/)
    assert.equal(throttled.headers.get('set-cookie'), null)
    assert.ok(Number(throttled.headers.get('retry-after')) > 0)
    // Another e-mail of the same workspace is not held up.
    assert.equal((await login(server.url, { ...right, email: 'other@acme.test' })).status, 303)
    // 15 minutes after the first failure, one of the five has aged out: the right password works.
    now = Date.parse('2026-12-01T10:15:00.001Z')
    assert.equal((await login(server.url, right)).status, 303)
    // A successful sign-in clears the count: five more failures are needed to be throttled again.
    for (let attempt = 1; attempt <= 4; attempt++) assert.equal((await login(server.url, wrong)).status, 401)
    assert.equal((await login(server.url, right)).status, 303)
  })

  test(`the session cookie is HttpOnly, SameSite=Lax, Path=/, Secure only over HTTPS, and sign-out ends the session (${kind.name})`, async (t) => {
    const server = await startTestServer(kind, { env: { FIREHOUSE_TRUST_PROXY: '127.0.0.1' } })
    t.after(() => server.close())
    await createTestTenant(server.ctx, { slug: 'acme' })
    await addPerson(server.ctx, 'acme', 'agent@acme.test')
    const fields = { workspace: 'acme', email: 'agent@acme.test', password: TEST_PASSWORD }
    const plain = await login(server.url, fields)
    const cookie = plain.headers.get('set-cookie') ?? ''
    assert.match(cookie, /^fh_session=[A-Za-z0-9_-]{43};/)
    for (const attribute of ['HttpOnly', 'SameSite=Lax', 'Path=/']) assert.ok(cookie.includes(attribute), `${attribute} in ${cookie}`)
    assert.ok(!/;\s*Secure/i.test(cookie), 'no Secure over plain HTTP')
    const proxied = await login(server.url, fields, { 'x-forwarded-proto': 'https' })
    assert.match(proxied.headers.get('set-cookie') ?? '', /;\s*Secure/)

    const person = await signIn(server.url, 'acme', 'agent@acme.test')
    assert.equal((await getPage(server.url, '/board', person)).status, 200)
    const out = await postForm(server.url, '/logout', person, {})
    assert.equal(out.status, 303)
    assert.match(out.headers.get('set-cookie') ?? '', /fh_session=;/)
    const after = await getPage(server.url, '/board', person)
    assert.equal(after.status, 303)
    assert.match(after.headers.get('location') ?? '', /^\/login\?next=%2Fboard$/)
  })

  test(`a signed-out visitor is sent to /login and comes back to the page asked for; never to another host (${kind.name})`, async (t) => {
    const server = await startTestServer(kind)
    t.after(() => server.close())
    await createTestTenant(server.ctx, { slug: 'acme', records: [5] })
    await addPerson(server.ctx, 'acme', 'agent@acme.test')
    for (const path of ['/', '/board', '/cases/5', '/insights', '/settings']) {
      const answer = await fetch(`${server.url}${path}`, { redirect: 'manual' })
      assert.equal(answer.status, 303, path)
      assert.ok((answer.headers.get('location') ?? '').startsWith('/login'), path)
    }
    const fields = { workspace: 'acme', email: 'agent@acme.test', password: TEST_PASSWORD }
    const back = await login(server.url, { ...fields, next: '/cases/5' })
    assert.equal(back.headers.get('location'), '/cases/5')
    for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
      const answer = await login(server.url, { ...fields, next })
      assert.equal(answer.headers.get('location'), '/board', next)
    }
    // The sign-in page names the only workspace of the server.
    assert.match(await (await fetch(`${server.url}/login`)).text(), /id="workspace" name="workspace" type="text" required autocomplete="organization" value="acme"/)
  })
}
