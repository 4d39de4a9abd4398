// I4 CG-ID parsing over HTTP: the TESTPLAN table through v4.1 (form and JSON, both answer formats) and
// /api/v1's path parameter; plus fast-check ids: never 500, only the SPEC's codes.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, startTestServer } from '../helpers/server.js'
import { checkAnswer, send, tenantChecksum, type RawRequest } from './fuzz-support.js'

const MAX = '9007199254740991'
const RUNS = Number(process.env.FIREHOUSE_FUZZ_RUNS ?? 500)

/** [value as sent, v4.1 code (null = 200), /api/v1 path code (null = 200)]; records 1, 12 and 2^53−1 exist. */
const TABLE: ReadonlyArray<readonly [string, number | null, number | null]> = [
  ['0', 300001, 300001],
  ['-1', 300001, 300001],
  ['+1', 300001, 300001],
  // Decimal digits only, value 1 … 2^53−1 (SPEC §1): a leading zero is still decimal digits.
  ['01', null, null],
  ['1e3', 300001, 300001],
  ['0x10', 300001, 300001],
  ['１２', 300001, 300001],
  ['12abc', 300001, 300001],
  // v4.1 trims its fields; a path segment is not a field and is not trimmed.
  [' 12 ', null, 300001],
  [MAX, null, null],
  ['9007199254740992', 300001, 300001],
  ['18446744073709551616', 300001, 300001],
  // An empty path segment names no route: the routing check (300002) comes first.
  ['', 300004, 300002],
  ['   ', 300004, 300001],
]

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] I4: the CG-ID table answers per SPEC on v4.1 (form, JSON; JSON and XML) and /api/v1, never 500`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [1, 12, Number(MAX)] })
    const other = await createTestTenant(server.ctx, { slug: 'other', records: [5] })
    const authorization = ['Authorization', `api_key ${acme.key}`] as const
    const ask = async (request: RawRequest) => checkAnswer(request, await send(server, request)).code
    let asked = 0
    for (const [value, v41, api] of TABLE) {
      for (const format of ['json', 'xml'] as const) {
        const target = `/v4.1/workflow.${format}`
        const form = new URLSearchParams({ number_customergauge: value }).toString()
        const bodies = [
          ['application/x-www-form-urlencoded', form],
          ['application/json', JSON.stringify({ number_customergauge: value })],
        ] as const
        for (const [contentType, body] of bodies) {
          const code = await ask({ method: 'POST', target, headers: [authorization, ['Content-Type', contentType]], body: Buffer.from(body) })
          assert.equal(code, v41, `${JSON.stringify(value)} as ${contentType} on ${target}`)
          asked++
        }
        // The query string carries the field too.
        assert.equal(await ask({ method: 'POST', target: `${target}?${form}`, headers: [authorization] }), v41, `${JSON.stringify(value)} in the query`)
        asked++
      }
      for (const route of ['cases', 'records']) {
        const target = `/api/v1/${route}/${encodeURIComponent(value)}`
        assert.equal(await ask({ method: 'GET', target, headers: [authorization] }), api, `${JSON.stringify(value)} on ${target}`)
        asked++
      }
    }
    // JSON numbers: 2^53−1 is exact and accepted; 2^53 and beyond are not safe integers; decimal
    // digits only, as in a form (SPEC §1), so 1e3 and 12.0 are refused whatever their value.
    for (const [body, code] of [[`{"number_customergauge":${MAX}}`, null], ['{"number_customergauge":9007199254740992}', 300001], ['{"number_customergauge":18446744073709551616}', 300001], ['{"number_customergauge":1e3}', 300001], ['{"number_customergauge":12.0}', 300001]] as const) {
      assert.equal(await ask({ method: 'POST', target: '/v4.1/workflow.xml', headers: [authorization, ['Content-Type', 'application/json']], body: Buffer.from(body) }), code, body)
      asked++
    }
    // A valid id without a record of the caller's tenant (another tenant's included) is 400200: 400 on v4.1, 404 on /api/v1.
    // 5 is the other tenant's: its own key reads it, so acme's 400200 there is tenancy, not absence.
    assert.equal(await ask({ method: 'GET', target: '/api/v1/records/5', headers: [['Authorization', `api_key ${other.key}`]] }), null)
    asked++
    const otherBefore = await tenantChecksum(server.ctx, 'other', [5])
    for (const value of ['5', '99', '9007199254740990']) {
      assert.equal(await ask({ method: 'POST', target: '/v4.1/workflow.xml', headers: [authorization, ['Content-Type', 'application/x-www-form-urlencoded']], body: Buffer.from(`number_customergauge=${value}`) }), 400200)
      assert.equal(await ask({ method: 'GET', target: `/api/v1/cases/${value}`, headers: [authorization] }), 400200)
      asked += 2
    }
    assert.equal(await tenantChecksum(server.ctx, 'other', [5]), otherBefore, "acme's calls on 5 changed the other tenant's record or case")
    t.diagnostic(`I4 ${kind.name}: ${TABLE.length} table values, ${asked} requests`)
  })

  test(`[${kind.name}] I4: ${RUNS} fast-check CG-IDs answer 200, 400200, 300001 or 300004 — the same on form and JSON strings`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [1, 12, Number(MAX)] })
    const authorization = ['Authorization', `api_key ${acme.key}`] as const
    const id = fc.oneof(
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
      fc.tuple(fc.constantFrom('', ' ', '0', '00', '\t', '\u00a0'), fc.constantFrom('1', '12', MAX)).map(([pad, digits]) => (pad.trim() === '' ? `${pad}${digits}${pad}` : `${pad}${digits}`)),
      fc.string({ unit: fc.constantFrom(...'0123456789+-.eExX _,１２٣'.split('')), maxLength: 22 }),
    )
    await fc.assert(
      fc.asyncProperty(id, fc.constantFrom('json' as const, 'xml' as const), async (value, format) => {
        const target = `/v4.1/workflow.${format}`
        const form = await send(server, { method: 'POST', target, headers: [authorization, ['Content-Type', 'application/x-www-form-urlencoded']], body: Buffer.from(new URLSearchParams({ number_customergauge: value }).toString()) })
        const json = await send(server, { method: 'POST', target, headers: [authorization, ['Content-Type', 'application/json']], body: Buffer.from(JSON.stringify({ number_customergauge: value })) })
        const formCode = checkAnswer({ method: 'POST', target }, form).code
        assert.ok([null, 400200, 300001, 300004].includes(formCode), `${JSON.stringify(value)} → ${formCode}`)
        assert.equal(checkAnswer({ method: 'POST', target }, json).code, formCode, JSON.stringify(value))
        const trimmed = value.trim()
        const valid = /^[0-9]+$/.test(trimmed) && BigInt(trimmed) >= 1n && BigInt(trimmed) <= BigInt(MAX)
        const expected = trimmed === '' ? 300004 : !valid ? 300001 : [1n, 12n, BigInt(MAX)].includes(BigInt(trimmed)) ? null : 400200
        assert.equal(formCode, expected, JSON.stringify(value))
      }),
      { numRuns: RUNS, seed: 4_4444, includeErrorInReport: true },
    )
    t.diagnostic(`I4 ${kind.name}: ${RUNS} generated CG-IDs × (form, JSON)`)
  })
}
