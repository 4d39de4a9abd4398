// S13 misconfig-fuzz (with I3): random methods, paths, headers and bodies over raw TCP; never 5xx, only
// documented codes with their HTTP status, no leaks, the path's format, and no change on an error.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { revokeApiKey } from '../../src/service/api-keys.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, startTestServer } from '../helpers/server.js'
import { checkAnswer, describeTally, send, tally, tenantChecksum, type RawRequest } from './fuzz-support.js'

const RUNS = Number(process.env.FIREHOUSE_FUZZ_RUNS ?? 1_500)
const RECORDS = [1, 12, 9_007_199_254_740_991]

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD', 'TRACE', 'PROPFIND', 'SEARCH']
const ROUTES = [
  '/v4.1/workflow',
  '/v4.1/workflow.json',
  '/v4.1/workflow.xml',
  '/v4.1/workflow.XML',
  '/v4.1/workflow.xml/',
  '/v4.1//workflow.xml',
  '/v4.1/',
  '/v4.1/other.xml',
  '/api/v1/cases',
  '/api/v1/records',
  '/api/v1/metrics/summary',
  '/api/v1',
  '/api/v1/',
  '/healthz',
  '/readyz',
  '/metrics',
  '/openapi.json',
  '/',
  '/login',
  '/logout',
  '/board',
  '/cases/12',
  '/live',
  '/settings/users',
  '/assets/live.js',
  '/favicon.ico',
  '/v4.0/workflow.xml',
  'http://evil.example/v4.1/workflow.xml',
]
const ID_ROUTES = ['/api/v1/cases/', '/api/v1/records/']
const FIELD_NAMES = ['number_customergauge', 'status', 'comment', 'assigned_to', 'per_page', 'cursor', 'updated_since', 'from', 'to', '__proto__', 'constructor', 'tenant_id', 'x']
const CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'application/x-www-form-urlencoded; charset=UTF-8',
  'application/x-www-form-urlencoded; charset=latin1',
  'APPLICATION/JSON',
  'application/json; charset=utf-16',
  'application/json;;;',
  'multipart/form-data',
  'multipart/form-data; boundary=',
  'multipart/form-data; boundary=fuzz-boundary',
  'multipart/form-data; boundary="fuzz-boundary"; charset=utf-8',
  'text/csv',
  'application/x-ndjson',
  'text/plain',
  'application/xml',
  '*/*',
  ';',
  'form-urlencoded',
]

// Request-target characters a URL may hold; now and then a bad escape (300005 where the text is decoded).
const URL_CHARS = fc.oneof(
  { weight: 30, arbitrary: fc.constantFrom(...'abcxyz019._-~!$&\'()*+,;=:@/?'.split(''), '%00', '%2e', '%2F', '%F0%9F%98%80') },
  { weight: 1, arbitrary: fc.constantFrom('%', '%ZZ', '%C3%28', '%E2%82') },
)
const targetText = (max: number) => fc.array(URL_CHARS, { maxLength: max }).map((parts) => parts.join(''))

const escaped = fc.oneof(
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }).map((text) => encodeURIComponent(text)) },
  { weight: 2, arbitrary: targetText(12) },
  { weight: 6, arbitrary: fc.constantFrom('12', '1', '0', '-1', '1e3', '9007199254740992', 'CLOSED', 'open', 'bogus', 'des@acme.test', 'x@y.z', '+', '%2B12', '%00', '%EF%BF%BF', '') },
  { weight: 1, arbitrary: fc.constantFrom('%', '%E2%82', '%ZZ') },
)
const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...FIELD_NAMES), targetText(6)), escaped), { maxLength: 5 })
  .map((pairs) => pairs.map(([name, value]) => `${name}=${value}`).join('&'))

const path = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('/v4.1/workflow', '/v4.1/workflow.json', '/v4.1/workflow.xml') },
  { weight: 6, arbitrary: fc.constantFrom(...ROUTES) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...ID_ROUTES), fc.oneof(escaped, fc.constantFrom('12', '99', '9007199254740991', '18446744073709551616'))).map(([route, id]) => route + id) },
  { weight: 1, arbitrary: targetText(20).map((text) => `/${text}`) },
)
const target = fc.tuple(path, fc.option(query, { nil: undefined, freq: 2 })).map(([p, q]) => (q === undefined ? p : `${p}?${q}`))

type KeyKind = 'valid' | 'revoked' | 'other' | 'none'
interface Draft {
  method: string
  target: string
  auth: { kind: KeyKind; scheme: string; extra: string } | { kind: 'garbage'; value: string }
  payload: { contentType?: string; body?: Uint8Array }
  idempotencyKey?: string
  extraHeaders: Array<[string, string]>
  mangle?: { how: Mangle; text: string }
}

const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 })

/** One way to break the request at the HTTP level (what llhttp refuses before any route runs). */
type Mangle = 'method' | 'headerName' | 'headerValue' | 'target'
const mangle = fc.oneof(
  { weight: 7, arbitrary: fc.constant(undefined) },
  {
    weight: 1,
    arbitrary: fc.record({ how: fc.constantFrom<Mangle>('method', 'headerName', 'headerValue', 'target'), text: fc.constantFrom(...'#[]{}|\\^`"<> '.split(''), '\u00e9', '\u0001', '\u007f', 'get', 'FOO', 'P0ST') }),
  },
)
const auth = fc.record({
  kind: fc.constantFrom<KeyKind>('valid', 'valid', 'valid', 'valid', 'valid', 'revoked', 'other', 'none'),
    scheme: fc.constantFrom('api_key', 'api_key', 'api_key', 'API_KEY', 'Api_Key', 'Bearer', 'api_key\t', 'api_key  ', 'Basic', ''),
    extra: fc.constantFrom('', '', '', '', '', ' ', 'x', ' extra'),
  })
const garbageAuth = fc.record({ kind: fc.constant('garbage' as const), value: headerText })

const json = fc.oneof(
  fc.json({ maxDepth: 2 }),
  fc
    .record(
      {
        number_customergauge: fc.constantFrom<unknown>(12, '12', 1.5, -1, 0, 1e400, '1e3', true, null, [12], { n: 12 }, 9_007_199_254_740_992, ' 12 ', ''),
        status: fc.constantFrom<unknown>('CLOSED', 'open', 'nope', 5, null, ['OPEN'], ''),
        comment: fc.oneof(fc.string({ unit: 'binary', maxLength: 30 }), fc.constantFrom<unknown>('\u0000', '\ud800', '\uffff', 12, null)),
        assigned_to: fc.constantFrom<unknown>('des@acme.test', 'DES@ACME.TEST', 'nobody@acme.test', 7, ''),
      },
      { requiredKeys: [] },
    )
    .map((fields) => JSON.stringify(fields)),
  fc.constantFrom('{"number_customergauge":12,"number_customergauge":12}', '{', '[]', '[{"number_customergauge":5}]', '{"a":1} x', '\ufeff{}', 'null'),
)
const formBody = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...FIELD_NAMES), targetText(5)), escaped), { maxLength: 6 })
  .map((pairs) => pairs.map(([name, value]) => `${name}=${value}`).join('&'))
const multipartBody = fc
  .array(fc.tuple(fc.constantFrom(...FIELD_NAMES), fc.string({ unit: 'binary', maxLength: 20 })), { maxLength: 5 })
  .chain((fields) =>
    fc.constantFrom('', '--', 'junk').map((tail) =>
      fields.map(([name, value]) => `--fuzz-boundary\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`).join('') + `--fuzz-boundary${tail}\r\n`,
    ),
  )
const randomContentType = fc.option(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...CONTENT_TYPES) }, { weight: 1, arbitrary: headerText }), { nil: undefined })
const utf8 = (text: string) => Buffer.from(text, 'utf8')
// Mostly a body with its own media type (to reach the field rules), sometimes any pairing.
const payload: fc.Arbitrary<{ contentType?: string; body?: Uint8Array }> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ contentType: fc.constantFrom(...CONTENT_TYPES.slice(0, 3)), body: formBody.map(utf8) }) },
  { weight: 3, arbitrary: fc.record({ contentType: fc.constantFrom('application/json', 'APPLICATION/JSON', 'application/json; charset=utf-16'), body: json.map(utf8) }) },
  { weight: 2, arbitrary: fc.record({ contentType: fc.constantFrom(...CONTENT_TYPES.slice(8, 10)), body: multipartBody.map(utf8) }) },
  { weight: 2, arbitrary: fc.record({ contentType: randomContentType, body: fc.option(fc.oneof(fc.uint8Array({ maxLength: 512 }), formBody.map(utf8), json.map(utf8)), { nil: undefined }) }) },
  { weight: 2, arbitrary: fc.record({ contentType: randomContentType }) },
  { weight: 1, arbitrary: fc.record({ contentType: randomContentType, body: fc.constantFrom(65_536, 65_537, 200_000).map((size) => Buffer.alloc(size, 'a')) }) },
)

const draft: fc.Arbitrary<Draft> = fc.record({
  method: fc.oneof({ weight: 3, arbitrary: fc.constant('POST') }, { weight: 4, arbitrary: fc.constantFrom(...METHODS) }),
  target,
  auth: fc.oneof(
    { weight: 4, arbitrary: fc.constant({ kind: 'valid' as const, scheme: 'api_key', extra: '' }) },
    { weight: 4, arbitrary: auth },
    { weight: 1, arbitrary: garbageAuth },
  ),
  payload,
  idempotencyKey: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom('k1', 'k2', ' k1 ', ''), headerText, fc.constant('x'.repeat(300))) }),
  extraHeaders: fc.array(fc.tuple(fc.constantFrom('Accept', 'X-Forwarded-For', 'X-Http-Method-Override', 'Cookie', 'Origin', 'Accept-Charset'), headerText), { maxLength: 2 }),
  mangle,
})

function toRequest(d: Draft, keys: Record<Exclude<KeyKind, 'none'>, string>): RawRequest {
  const headers: Array<readonly [string, string]> = [...d.extraHeaders]
  if (d.auth.kind === 'garbage') headers.push(['Authorization', d.auth.value])
  else if (d.auth.kind !== 'none') headers.push(['Authorization', `${d.auth.scheme} ${keys[d.auth.kind]}${d.auth.extra}`])
  if (d.payload.contentType !== undefined) headers.push(['Content-Type', d.payload.contentType])
  if (d.idempotencyKey !== undefined) headers.push(['Idempotency-Key', d.idempotencyKey])
  const request = { method: d.method, target: d.target, headers, body: d.payload.body }
  const broken = d.mangle?.text ?? ''
  switch (d.mangle?.how) {
    case 'method':
      return { ...request, method: /^[a-z]/i.test(broken) ? broken : `P${broken}ST` }
    case 'headerName':
      return { ...request, headers: [...headers, [`X-${broken}`, 'x']] }
    case 'headerValue':
      return { ...request, headers: [...headers, ['X-Value', `a${broken}\u0001`]] }
    case 'target':
      return { ...request, target: `${d.target}${broken}x` }
    default:
      return request
  }
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] S13: ${RUNS} malformed requests across all routes never answer 5xx, leak, or change data on an error`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', records: RECORDS, detractors: [1], users: ['des@acme.test'] })
    const other = await createTestTenant(server.ctx, { slug: 'other', records: [12] })
    const revoked = await createTestTenant(server.ctx, { slug: 'acme-old', records: [12] })
    await revokeApiKey(server.ctx, 'acme-old', revoked.keyId)
    const keys = { valid: acme.key, revoked: revoked.key, other: other.key }
    const codes = new Map<string, number>()
    let xmlAnswers = 0
    const checksumNow = () => tenantChecksum(server.ctx, 'acme', RECORDS)
    let checksum = await checksumNow()
    const started = Date.now()
    await fc.assert(
      fc.asyncProperty(draft, async (d) => {
        const request = toRequest(d, keys)
        const answer = await send(server, request)
        const brokenRequestLine = d.mangle !== undefined && ['method', 'target'].includes(d.mangle.how)
        const verdict = checkAnswer(request, answer, { brokenRequestLine })
        tally(codes, verdict.code ?? 'ok')
        if (verdict.xml) xmlAnswers++
        // Only a POST can write; the final comparison covers the other methods too.
        if (request.method !== 'POST') return
        const after = await checksumNow()
        if (verdict.code !== null) assert.equal(after, checksum, `an error answer (${verdict.code}) changed the tenant's data`)
        checksum = after
      }),
      { numRuns: RUNS, seed: Number(process.env.FIREHOUSE_FUZZ_SEED ?? 4_131_13), includeErrorInReport: true },
    )
    assert.equal(await checksumNow(), checksum)
    t.diagnostic(`S13 ${kind.name}: ${RUNS} cases in ${Date.now() - started} ms; ${xmlAnswers} XML answers validated (I3); outcomes ${describeTally(codes)}`)
  })
}
