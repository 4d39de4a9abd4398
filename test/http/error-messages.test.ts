// Error messages that quote the caller's input cut it on code-point boundaries: never half of a pair.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, form, post, startTestServer, workflowUrl } from '../helpers/server.js'

for (const kind of TEST_DATABASES) {
  test(`an unknown status quoted in 400011's message is cut between code points, in JSON and XML (${kind.name})`, async (t) => {
    const server = await startTestServer(kind)
    t.after(() => server.close())
    const tenant = await createTestTenant(server.ctx, { slug: 'acme', records: [1] })
    for (const length of [98, 99, 100]) {
      const status = `${'a'.repeat(length)}${'😀'.repeat(5)}`
      const json = await post(workflowUrl(server), form({ number_customergauge: 1, status }), { key: tenant.key })
      const text = await json.text()
      assert.ok(!/\\ud[89ab][0-9a-f]{2}(?!\\ud[c-f])/i.test(text), `no lone high surrogate escaped in ${text}`)
      const message = (JSON.parse(text) as { Error: { Message: string; Code: number } }).Error
      assert.equal(message.Code, 400011)
      assert.ok(!/\p{Surrogate}/u.test(message.Message), `well-formed: ${JSON.stringify(message.Message)}`)
      assert.ok(message.Message.startsWith(`Invalid status: ${'a'.repeat(length)}`))
      const xml = await (await post(workflowUrl(server, 'xml'), form({ number_customergauge: 1, status }), { key: tenant.key })).text()
      assert.ok(!xml.includes('\uFFFD') && !/\p{Surrogate}/u.test(xml), xml)
    }
  })
}
