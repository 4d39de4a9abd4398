// v4.1 JSON bodies, read to the letter (issue 13, items 8 and 11): number_customergauge in decimal
// digits only, whatever its value; a body nested deeper than the bound refused before it is parsed.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { MAX_JSON_DEPTH } from '../../src/domain/json-shape.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { readTenantRows } from '../helpers/raw-tables.js'
import { caller, createTestTenant, expectCode, expectOk, startTestServer, WIRE_FORMATS } from '../helpers/server.js'

const JSON_BODY = { contentType: 'application/json' }
const nested = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`

async function setup(kind: TestDatabaseKind, t: TestContext) {
  const server = await startTestServer(kind)
  t.after(server.close)
  // 1, 12 and 100 exist: 1.0000000000000001, 12.0 and 1E2 would each reach one by their value.
  const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [1, 12, 100] })
  const send = caller(server, acme.key)
  /** Asserts the body answers `code` in both formats and changes no row of the tenant. */
  const refuse = async (body: string, code = 300001): Promise<string[]> => {
    const messages: string[] = []
    for (const format of WIRE_FORMATS) {
      const before = await readTenantRows(server.ctx, 'acme')
      messages.push(await expectCode(await send(body, { ...JSON_BODY, format }), code, format))
      assert.deepEqual(await readTenantRows(server.ctx, 'acme'), before, `${body.slice(0, 80)} wrote something`)
    }
    return messages
  }
  return { send, refuse }
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] item 11: a JSON number_customergauge written 1E2, 1.0000000000000001, 12.0, 1.2e1 or -0 answers 300001 and writes nothing; 12 and "12" answer 200`, async (t) => {
    const { send, refuse } = await setup(kind, t)
    for (const written of ['1E2', '1e2', '1.0000000000000001', '12.0', '1.2e1', '1200e-2', '-0', '0.0']) {
      const [message] = await refuse(`{"number_customergauge":${written},"status":"CLOSED"}`)
      assert.match(message!, /number_customergauge/, written)
    }
    await expectOk(await send('{"number_customergauge":12,"status":"CLOSED"}', JSON_BODY), 12)
    await expectOk(await send('{"number_customergauge":"12"}', { ...JSON_BODY, format: 'xml' }), 12, 'xml')
    // Other fields are strings: a number there is 300001 however it is written.
    await refuse('{"number_customergauge":12,"status":1.0}')
  })

  test(`[${kind.name}] item 8: a JSON body nested deeper than ${MAX_JSON_DEPTH} (33, 4,500 or 30,000 levels) answers 300001, never 500 or 300005, and writes nothing; ${MAX_JSON_DEPTH} levels answer 200`, async (t) => {
    const { send, refuse } = await setup(kind, t)
    for (const levels of [MAX_JSON_DEPTH, 4_500, 30_000]) {
      const [message] = await refuse(`{"number_customergauge":12,"status":"CLOSED","x":${nested(levels)}}`)
      assert.match(message!, new RegExp(`deeper than ${MAX_JSON_DEPTH}`))
    }
    // Unbalanced, as a probe sends it: still the depth that answers, before any parser runs.
    await refuse(`{"number_customergauge":12,"x":${'['.repeat(60_000)}`)
    // The object itself is the first level: an unknown field may nest 31 more.
    await expectOk(await send(`{"number_customergauge":12,"x":${nested(MAX_JSON_DEPTH - 1)}}`, JSON_BODY), 12)
  })
}
