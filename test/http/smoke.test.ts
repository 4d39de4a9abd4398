// The happy path of the v4.1 call over real HTTP, in both formats.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, form, post, startTestServer } from '../helpers/server.js'

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] a v4.1 call creates the case and answers Data in JSON and XML`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12], users: ['des.patch@directness.net'] })

    const json = await post(`${server.url}/v4.1/workflow.json`, form({ number_customergauge: 12, status: 'CLOSE', comment: 'Solved the issue', assigned_to: 'DES.patch@directness.net' }), { key: acme.key })
    assert.equal(json.status, 200)
    assert.equal(json.headers.get('content-type'), 'application/json; charset=utf-8')
    assert.equal(await json.text(), '{"Data":{"number_customergauge":12}}')

    const xml = await post(`${server.url}/v4.1/workflow.xml`, form({ number_customergauge: 12, status: 'open' }), { key: acme.key })
    assert.equal(xml.status, 200)
    assert.equal(xml.headers.get('content-type'), 'application/xml; charset=utf-8')
    assert.equal(await xml.text(), '<?xml version="1.0" encoding="UTF-8"?>\n<Data><number_customergauge>12</number_customergauge></Data>')

    const view = await showCase(server.ctx, 'acme', 12)
    assert.equal(view.status, 'OPEN')
    assert.equal(view.assigned_to, 'des.patch@directness.net')
    assert.deepEqual(view.history.map((entry) => [entry.seq, entry.status_from, entry.status_to, entry.comment]), [
      [1, null, 'CLOSED', 'Solved the issue'],
      [2, 'CLOSED', 'OPEN', null],
    ])
    assert.equal(view.followed_up_at, null)
    assert.equal(view.closed_at, null)
  })
}
