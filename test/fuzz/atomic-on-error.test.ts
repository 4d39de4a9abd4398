// D6 atomic-on-error: calls that mix valid fields with exactly one invalid one answer that fault's SPEC
// code and leave the tenant's data (every case, its history, its records, its raw rows) exactly as it
// was — also when the fault strikes after the call has written (the database refuses its entry or key).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { TEST_DATABASES } from '../helpers/databases.js'
import { REFUSED_COMMENT, REFUSED_IDEMPOTENCY_KEY, refuseMarkedWrites } from '../helpers/database-refusals.js'
import { assertNoLeak, createTestTenant, multipart, startTestServer } from '../helpers/server.js'
import { JSON_TYPE, XML_TYPE, checkAnswer, describeTally, envelopeCode, send, tally, tenantChecksum, type Answer } from './fuzz-support.js'

const RUNS = Number(process.env.FIREHOUSE_FUZZ_RUNS ?? 500)
const RECORDS = [12, 13]
const SEEDED_KEY = 'seeded-key'

const FAULTS = {
  unknownAssignee: 400201,
  inactiveOrOtherAssignee: 400201,
  badStatus: 400011,
  commentTooLong: 400202,
  commentBannedChar: 400203,
  unknownRecord: 400200,
  invalidCgid: 300001,
  missingCgid: 300004,
  repeatedField: 300001,
  wrongJsonType: 300001,
  keyReusedWithOtherBody: 300009,
  badIdempotencyKey: 300001,
  badUtf8: 300005,
  // Refused by the database after the call has written: the sequence bump and the case row (the
  // history entry), or those and the history entry too (the idempotency key). Answered as unknown.
  historyEntryRefused: 500000,
  idempotencyKeyRefused: 500000,
} as const
type Fault = keyof typeof FAULTS
const REFUSED_BY_DATABASE: ReadonlySet<Fault> = new Set(['historyEntryRefused', 'idempotencyKeyRefused'])

const valid = fc.record(
  {
    status: fc.constantFrom('OPEN', 'closed', ' In-Progress ', 'CLOSE', 'progress'),
    assigned_to: fc.constantFrom('des@acme.test', 'ANN@acme.test', ' des@ACME.test '),
    comment: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  },
  { requiredKeys: [] },
)
const call: fc.Arbitrary<CallValue> = fc.record({
  cgid: fc.constantFrom(...RECORDS),
  fields: valid,
  fault: fc.constantFrom(...(Object.keys(FAULTS) as Fault[])),
  encoding: fc.constantFrom('form', 'json', 'multipart'),
  format: fc.constantFrom('json', 'xml'),
  idempotencyKey: fc.option(fc.uuid(), { nil: undefined }),
})

interface CallValue {
  cgid: number
  fields: { status?: string; assigned_to?: string; comment?: string }
  fault: Fault
  encoding: 'form' | 'json' | 'multipart'
  format: 'json' | 'xml'
  idempotencyKey?: string
}

/** A field value: text, a JSON value written as is (wrongJsonType), or raw bytes (badUtf8). */
type Value = string | number | { json: string } | { bytes: Buffer }
type Field = readonly [string, Value]

/** The call's fields with its one fault applied, and the Idempotency-Key it sends. */
function faulty(c: CallValue): { fields: Field[]; idempotencyKey?: string } {
  const fields: Field[] = [['number_customergauge', c.cgid], ...(Object.entries(c.fields) as Field[])]
  const set = (name: string, value: Value): Field[] => [...fields.filter(([n]) => n !== name), [name, value]]
  switch (c.fault) {
    case 'unknownAssignee': return { fields: set('assigned_to', 'nobody@acme.test'), idempotencyKey: c.idempotencyKey }
    case 'inactiveOrOtherAssignee': return { fields: set('assigned_to', 'boss@other.test'), idempotencyKey: c.idempotencyKey }
    case 'badStatus': return { fields: set('status', 'NOT-A-STATUS'), idempotencyKey: c.idempotencyKey }
    case 'commentTooLong': return { fields: set('comment', 'é'.repeat(10_001)), idempotencyKey: c.idempotencyKey }
    case 'commentBannedChar': return { fields: set('comment', 'ok\u0007ok'), idempotencyKey: c.idempotencyKey }
    case 'unknownRecord': return { fields: set('number_customergauge', 99), idempotencyKey: c.idempotencyKey }
    case 'invalidCgid': return { fields: set('number_customergauge', '12a'), idempotencyKey: c.idempotencyKey }
    case 'missingCgid': return { fields: fields.filter(([n]) => n !== 'number_customergauge'), idempotencyKey: c.idempotencyKey }
    case 'repeatedField': return { fields: [...set('status', 'OPEN'), ['status', 'OPEN']], idempotencyKey: c.idempotencyKey }
    case 'wrongJsonType': return { fields: set('status', { json: '["OPEN"]' }), idempotencyKey: c.idempotencyKey }
    case 'keyReusedWithOtherBody': return { fields, idempotencyKey: SEEDED_KEY }
    case 'badIdempotencyKey': return { fields, idempotencyKey: 'has space' }
    case 'badUtf8': return { fields: set('comment', { bytes: Buffer.from([0x61, 0xc3, 0x28]) }), idempotencyKey: c.idempotencyKey }
    case 'historyEntryRefused': return { fields: set('comment', REFUSED_COMMENT), idempotencyKey: c.idempotencyKey }
    case 'idempotencyKeyRefused': return { fields, idempotencyKey: REFUSED_IDEMPOTENCY_KEY }
  }
}

/** A write the database refused: 500 with the 500000 envelope in the path's format, and no leak. */
function refusedAnswerCode(format: CallValue['format'], answer: Answer): number {
  assert.equal(answer.status, 500, answer.text.slice(0, 300))
  assert.equal(answer.headers['content-type'], format === 'xml' ? XML_TYPE : JSON_TYPE)
  assertNoLeak(answer.text)
  return envelopeCode(answer.text, format === 'xml')
}

function encode(encoding: CallValue['encoding'], fields: Field[]): { contentType: string; body: Buffer } {
  // A JSON value that is not a string only fits a JSON body.
  if (encoding === 'json' || fields.some(([, value]) => typeof value === 'object' && 'json' in value)) {
    // Written member by member: JSON.stringify would drop a repeated key.
    const members = fields.map(([name, value]) => {
      const head = Buffer.from(`${JSON.stringify(name)}:`)
      if (typeof value !== 'object') return Buffer.concat([head, Buffer.from(JSON.stringify(value))])
      return Buffer.concat([head, 'json' in value ? Buffer.from(value.json) : Buffer.concat([Buffer.from('"'), value.bytes, Buffer.from('"')])])
    })
    const body = Buffer.concat([Buffer.from('{'), ...members.flatMap((member, i) => (i === 0 ? [member] : [Buffer.from(','), member])), Buffer.from('}')])
    return { contentType: 'application/json', body }
  }
  const bytesOf = (value: Value): Buffer => (typeof value === 'object' ? ('bytes' in value ? value.bytes : Buffer.from(value.json)) : Buffer.from(String(value)))
  if (encoding === 'form') {
    const escape = (bytes: Buffer) => [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('')
    const text = fields.map(([name, value]) => `${encodeURIComponent(name)}=${escape(bytesOf(value))}`).join('&')
    return { contentType: 'application/x-www-form-urlencoded', body: Buffer.from(text) }
  }
  const { body, contentType } = multipart(fields.map(([name, value]) => [name, new Uint8Array(bytesOf(value))] as const))
  return { contentType, body: Buffer.from(body) }
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] D6: ${RUNS} calls with one invalid field among valid ones answer that fault's code and change nothing`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: RECORDS, detractors: [13], users: ['des@acme.test', 'Ann@acme.test'] })
    await createTestTenant(server.ctx, { slug: 'other', users: ['boss@other.test'] })
    await refuseMarkedWrites(server.ctx)
    const authorization = ['Authorization', `api_key ${acme.key}`] as const
    const seeded = await send(server, {
      method: 'POST',
      target: '/v4.1/workflow.json',
      headers: [authorization, ['Content-Type', 'application/x-www-form-urlencoded'], ['Idempotency-Key', SEEDED_KEY]],
      body: Buffer.from('number_customergauge=12&status=CLOSED&comment=seeded+call'),
    })
    assert.equal(seeded.status, 200, seeded.text)
    const checksum = await tenantChecksum(server.ctx, 'acme', RECORDS)
    const codes = new Map<string, number>()
    const started = Date.now()
    await fc.assert(
      fc.asyncProperty(call, async (c) => {
        const { fields, idempotencyKey } = faulty(c)
        const { contentType, body } = encode(c.encoding, fields)
        const target = `/v4.1/workflow.${c.format}`
        const headers: Array<readonly [string, string]> = [authorization, ['Content-Type', contentType]]
        if (idempotencyKey !== undefined) headers.push(['Idempotency-Key', idempotencyKey])
        const answer = await send(server, { method: 'POST', target, headers, body })
        const { code } = REFUSED_BY_DATABASE.has(c.fault) ? { code: refusedAnswerCode(c.format, answer) } : checkAnswer({ method: 'POST', target }, answer)
        tally(codes, code ?? 'ok')
        assert.equal(code, FAULTS[c.fault], `${c.fault} via ${c.encoding}: ${answer.text.slice(0, 300)}`)
        assert.equal(await tenantChecksum(server.ctx, 'acme', RECORDS), checksum, `${c.fault} (${code}) changed the tenant's data`)
      }),
      { numRuns: RUNS, seed: 6_0006, includeErrorInReport: true },
    )
    t.diagnostic(`D6 ${kind.name}: ${RUNS} error calls, checksum unchanged after 100 %; codes ${describeTally(codes)}; ${Date.now() - started} ms`)
  })
}
