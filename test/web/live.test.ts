// Live refresh across nodes (SPEC §7): the board's poll reads the database, so a change made through
// another server process shows on this one's board without a reload.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, form, post, startTestServer, workflowUrl } from '../helpers/server.js'
import { addPerson, getPage, signIn } from '../helpers/web.js'

for (const kind of TEST_DATABASES) {
  test(`a change through v4.1 on another server moves this server's /live sequence and its board fragment (${kind.name})`, async (t) => {
    const nodeA = await startTestServer(kind)
    t.after(() => nodeA.close())
    const nodeB = await startTestServer(kind, { database: nodeA.database })
    t.after(() => nodeB.close())
    const tenant = await createTestTenant(nodeA.ctx, { slug: 'acme', records: [1, 2], detractors: [1, 2] })
    await addPerson(nodeA.ctx, 'acme', 'me@acme.test')
    const person = await signIn(nodeA.url, 'acme', 'me@acme.test')
    const seen = (await (await getPage(nodeA.url, '/live', person)).json()).seq as number

    const changed = await post(workflowUrl(nodeB), form({ number_customergauge: 2, status: 'PROGRESS' }), { key: tenant.key })
    assert.equal(changed.status, 200)
    assert.equal((await (await getPage(nodeA.url, '/live', person)).json()).seq, seen + 1)
    const fragment = await (await getPage(nodeA.url, '/board', person, { 'x-firehouse-fragment': '1' })).text()
    const progress = /aria-label="In progress">(.*?)<\/section>/s.exec(fragment)?.[1] ?? ''
    assert.match(progress, /Case 2</)
    // An open case page's fragment shows the new state too (and its version moved to 2).
    const casePart = await (await getPage(nodeA.url, '/cases/2', person, { 'x-firehouse-fragment': '1' })).text()
    assert.match(casePart, /data-version="2"/)
    assert.match(casePart, /<dd>In progress<\/dd>/)
  })
}
