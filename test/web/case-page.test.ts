// The case page (SPEC §7): what it shows, and its form saved through the same service function as v4.1.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { deactivateUser } from '../../src/service/users.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestApp, issueTestToken } from '../helpers/oauth.js'
import { createTestTenant, form, post, serverPerFile, uniqueSlug, workflowUrl } from '../helpers/server.js'
import { addPerson, getPage, postForm, signIn } from '../helpers/web.js'

const serverFor = serverPerFile()

for (const kind of TEST_DATABASES) {
  test(`saving the form writes one entry as user:<email>; unchanged fields are not sent; Unassigned clears the assignee (${kind.name})`, async () => {
    const server = await serverFor(kind)
    const slug = uniqueSlug()
    const tenant = await createTestTenant(server.ctx, { slug, records: [8], detractors: [8], users: ['helper@acme.test'] })
    await addPerson(server.ctx, slug, 'Agent@Acme.test', 'agent', 'Agent Smith')
    const person = await signIn(server.url, slug, 'agent@acme.test')
    const page = await (await getPage(server.url, '/cases/8', person)).text()
    assert.match(page, /<h1>Case 8<\/h1>/)
    assert.match(page, /name="version" value="1"/)

    const save = await postForm(server.url, '/cases/8', person, { status: 'PROGRESS', assigned_to: 'helper@acme.test', comment: 'Called back', version: '1' })
    assert.equal(save.status, 303)
    assert.equal(save.headers.get('location'), '/cases/8')
    let shown = await showCase(server.ctx, slug, 8)
    assert.equal(shown.history.length, 2)
    assert.deepEqual(
      { ...shown.history[1], at: undefined, happened_at: undefined },
      {
        seq: 2, at: undefined, happened_at: undefined, actor: 'user:Agent@Acme.test', status_from: 'OPEN', status_to: 'PROGRESS', status_label_from: 'OPEN',
        status_label_to: 'PROGRESS', assigned_from: null, assigned_to: 'helper@acme.test', comment: 'Called back',
      },
    )
    // A comment alone: status and assignee are sent as they were, so they are not changes.
    await postForm(server.url, '/cases/8', person, { status: 'PROGRESS', assigned_to: 'helper@acme.test', comment: 'Left a voicemail', version: '2' })
    shown = await showCase(server.ctx, slug, 8)
    assert.equal(shown.history.length, 3)
    assert.equal(shown.history[2]!.status_from, shown.history[2]!.status_to)
    assert.equal(shown.history[2]!.assigned_to, 'helper@acme.test')
    // Unassigned clears the assignee, which v4.1 cannot do.
    await postForm(server.url, '/cases/8', person, { status: 'PROGRESS', assigned_to: '', comment: '', version: '3' })
    shown = await showCase(server.ctx, slug, 8)
    assert.equal(shown.assigned_to, null)
    assert.equal(shown.history[3]!.assigned_from, 'helper@acme.test')
    // The timeline shows every entry, and the API shows the same case.
    const timeline = await (await getPage(server.url, '/cases/8', person)).text()
    assert.equal(timeline.match(/user:Agent@Acme\.test/g)?.length, 3)
    const api = await (await fetch(`${server.url}/api/v1/cases/8`, { headers: { authorization: `api_key ${tenant.key}` } })).json()
    assert.equal(api.history.length, 4)
  })

  test(`a refused change shows the API's message next to the form, keeps the typed comment and writes nothing (${kind.name})`, async () => {
    const server = await serverFor(kind)
    const slug = uniqueSlug()
    await createTestTenant(server.ctx, { slug, records: [9], detractors: [9], users: ['gone@acme.test'] })
    await deactivateUser(server.ctx, slug, 'gone@acme.test')
    await addPerson(server.ctx, slug, 'agent@acme.test')
    const person = await signIn(server.url, slug, 'agent@acme.test')
    const refusals: [Record<string, string>, number, RegExp][] = [
      [{ status: 'OPEN', assigned_to: 'gone@acme.test', comment: 'typed text', version: '1' }, 400, /assigned_to is not an active user of this account/],
      [{ status: 'OPEN', assigned_to: '', comment: 'bad \u0001 char', version: '1' }, 400, /comment/i],
      [{ status: 'OPEN', assigned_to: '', comment: 'x'.repeat(10_001), version: '1' }, 400, /10,?000/],
      [{ status: '77', assigned_to: '', comment: '', version: '1' }, 400, /Invalid status: 77/],
      [{ status: 'OPEN', assigned_to: '', comment: '', version: '1' }, 400, /Nothing to save/],
      [{ status: 'CLOSED', assigned_to: '', comment: '', version: 'x' }, 400, /version/],
    ]
    for (const [fields, status, message] of refusals) {
      const answer = await postForm(server.url, '/cases/9', person, fields)
      assert.equal(answer.status, status, JSON.stringify(fields).slice(0, 80))
      const html = await answer.text()
      assert.match(html, message)
      if (fields.comment === 'typed text') assert.match(html, /<textarea[^>]*>typed text<\/textarea>/)
    }
    assert.equal((await showCase(server.ctx, slug, 9)).history.length, 1, 'nothing was written')
  })

  test(`the timeline names a connected app's change App “<name>” beside app:<client_id>, escaped (${kind.name})`, async () => {
    const server = await serverFor(kind)
    const slug = uniqueSlug()
    await createTestTenant(server.ctx, { slug, records: [11] })
    await addPerson(server.ctx, slug, 'agent@acme.test')
    const person = await signIn(server.url, slug, 'agent@acme.test')
    const app = await createTestApp(server.ctx, slug, 'Zendesk <sync>')
    const token = await issueTestToken(server.url, app)
    const changed = await fetch(workflowUrl(server), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: form({ number_customergauge: 11, comment: 'from the app' }) })
    assert.equal(changed.status, 200)
    const page = await (await getPage(server.url, '/cases/11', person)).text()
    assert.match(page, /App “Zendesk &lt;sync>”/)
    assert.match(page, new RegExp(`\\(app:${app.clientId}\\)`))
  })

  test(`a case changed since the page was loaded is not overwritten: 409, who changed what, the new state (${kind.name})`, async () => {
    const server = await serverFor(kind)
    const slug = uniqueSlug()
    const tenant = await createTestTenant(server.ctx, { slug, records: [10], detractors: [10], users: ['des@acme.test'] })
    await addPerson(server.ctx, slug, 'agent@acme.test')
    const person = await signIn(server.url, slug, 'agent@acme.test')
    // The page was rendered at version 1; an integration closes the case meanwhile.
    await post(workflowUrl(server), form({ number_customergauge: 10, status: 'CLOSED', comment: 'closed by the help desk', assigned_to: 'des@acme.test' }), { key: tenant.key })
    const answer = await postForm(server.url, '/cases/10', person, { status: 'PROGRESS', assigned_to: '', comment: 'my note', version: '1' })
    assert.equal(answer.status, 409)
    const html = await answer.text()
    assert.match(html, /Case changed since it was read/)
    assert.match(html, new RegExp(`key:${tenant.keyId}`))
    assert.match(html, /closed by the help desk/)
    assert.match(html, /name="version" value="2"/)
    assert.match(html, /<textarea[^>]*>my note<\/textarea>/)
    const shown = await showCase(server.ctx, slug, 10)
    assert.equal(shown.history.length, 2)
    assert.equal(shown.status, 'CLOSED')
  })

  for (const existing of [true, false]) {
    test(`20 saves based on the same version at once: exactly one is written, 19 answer 409 (${existing ? 'existing case' : 'new case'}, ${kind.name})`, async () => {
      const server = await serverFor(kind)
      const slug = uniqueSlug()
      await createTestTenant(server.ctx, { slug, records: [11], detractors: existing ? [11] : [] })
      await addPerson(server.ctx, slug, 'agent@acme.test')
      const person = await signIn(server.url, slug, 'agent@acme.test')
      const version = existing ? '1' : '0'
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          postForm(server.url, '/cases/11', person, { status: 'PROGRESS', assigned_to: '', comment: `writer ${index}`, version }),
        ),
      )
      const statuses = answers.map((answer) => answer.status).sort()
      assert.deepEqual(statuses, [303, ...Array(19).fill(409)])
      assert.equal((await showCase(server.ctx, slug, 11)).history.length, Number(version) + 1)
    })
  }
}

for (const kind of TEST_DATABASES) {
  test(`the timeline shows when a back-dated change happened, and when it was recorded beside it (${kind.name})`, async () => {
    const server = await serverFor(kind)
    const slug = uniqueSlug()
    const tenant = await createTestTenant(server.ctx, { slug, records: [8, 9] })
    await addPerson(server.ctx, slug, 'Agent@Acme.test', 'agent')
    const person = await signIn(server.url, slug, 'agent@acme.test')
    const happened = '2026-11-27T10:00:00.000Z'
    const answer = await post(workflowUrl(server), form({ number_customergauge: 8, happened_at: happened }), { key: tenant.key })
    assert.equal(answer.status, 200)
    await post(workflowUrl(server), form({ number_customergauge: 9 }), { key: tenant.key })
    const { at } = (await showCase(server.ctx, slug, 8)).history[0]!
    const words = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`
    const page = await (await getPage(server.url, '/cases/8', person)).text()
    assert.ok(page.includes(`<strong>${words(happened)}</strong>`), 'the time it happened leads the entry')
    assert.ok(page.includes(`(recorded ${words(at)})`), 'the time it was recorded beside it')
    // Not back-dated: one time, no "recorded".
    assert.doesNotMatch(await (await getPage(server.url, '/cases/9', person)).text(), /recorded/)
  })
}
