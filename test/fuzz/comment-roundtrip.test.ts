// I2 comment round-trip (with I3): full-Unicode comments up to 10,000 code points come back byte-exact
// through form, JSON and multipart; 10,001 code points answer 400202, each banned character 400203.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import fc from 'fast-check'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { createTestTenant, multipart, startTestServer, type TestServer } from '../helpers/server.js'
import { checkAnswer, send, type Answer } from './fuzz-support.js'

// The plan's and the bar: 2,000 strings per database, split across the three encodings.
const RUNS = Number(process.env.FIREHOUSE_FUZZ_RUNS ?? 2_000)
const ENCODINGS = ['form', 'json', 'multipart'] as const
type Encoding = (typeof ENCODINGS)[number]
const RECORDS = Array.from({ length: 50 }, (_, i) => i + 1)
const BODY_LIMIT = 64 * 1024

const isBanned = (codePoint: number) =>
  (codePoint < 0x20 && codePoint !== 0x09 && codePoint !== 0x0a && codePoint !== 0x0d) || codePoint === 0xfffe || codePoint === 0xffff
// What the wire encodings and XML find tricky, beside the whole of Unicode.
const TRICKY = ['+', '%', '&', '=', ' ', '\t', '\r', '\n', '\r\n', '"', '\\', '<', '>', ']]>', '\ufeff', '\u2028', '\u0085', '\u00a0', '\u007f', '😀', '\u{10ffff}', '--']
const unit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => !isBanned(c.codePointAt(0)!)) },
  { weight: 1, arbitrary: fc.constantFrom(...TRICKY) },
)
// Some units ('\r\n', ']]>') are several code points: cut back to the 10,000 the SPEC allows.
const comment = fc
  .oneof(
    { weight: 20, arbitrary: fc.string({ unit, maxLength: 10_000 }) },
    { weight: 2, arbitrary: fc.string({ unit, maxLength: 10_000, size: 'large' }) },
    { weight: 1, arbitrary: fc.string({ unit, minLength: 9_990, maxLength: 10_000, size: 'max' }) },
  )
  .map((text) => [...text].slice(0, 10_000).join(''))
const codePoints = (text: string) => [...text].length

/** Form encoding as browsers send it; where that passes 64 KiB, raw UTF-8 with only the delimiters escaped. */
function formBody(cgid: number, text: string): Buffer {
  const standard = new URLSearchParams({ number_customergauge: String(cgid), comment: text }).toString()
  if (standard.length <= BODY_LIMIT) return Buffer.from(standard)
  const minimal = text.replace(/[%&+=]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return Buffer.from(`number_customergauge=${cgid}&comment=${minimal}`, 'utf8')
}

function encode(encoding: Encoding, cgid: number, text: string): { contentType: string; body: Uint8Array } {
  if (encoding === 'form') return { contentType: 'application/x-www-form-urlencoded', body: formBody(cgid, text) }
  if (encoding === 'json') return { contentType: 'application/json', body: Buffer.from(JSON.stringify({ number_customergauge: cgid, comment: text })) }
  return multipart([
    ['number_customergauge', String(cgid)],
    ['comment', text],
  ])
}

async function setup(kind: TestDatabaseKind, t: TestContext) {
  const server = await startTestServer(kind)
  t.after(server.close)
  const acme = await createTestTenant(server.ctx, { slug: 'acme', records: RECORDS })
  return { server, key: acme.key }
}

function update(server: TestServer, key: string, format: 'json' | 'xml', payload: { contentType: string; body: Uint8Array }): Promise<Answer> {
  const headers = [['Authorization', `api_key ${key}`] as const, ['Content-Type', payload.contentType] as const]
  return send(server, { method: 'POST', target: `/v4.1/workflow.${format}`, headers, body: payload.body })
}

/** The newest history entry's comment, read back over /api/v1 as JSON. */
async function lastComment(server: TestServer, key: string, cgid: number): Promise<{ comment: unknown; entries: number }> {
  const answer = await fetch(`${server.url}/api/v1/cases/${cgid}`, { headers: { authorization: `api_key ${key}` } })
  const body = (await answer.json()) as { history: Array<{ comment: unknown }> }
  return { comment: body.history.at(-1)?.comment, entries: body.history.length }
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] I2: ${RUNS} generated full-Unicode comments round-trip byte-exact through form, JSON and multipart`, async (t) => {
    const { server, key } = await setup(kind, t)
    const started = Date.now()
    let sent = 0
    let longest = 0
    let xmlAnswers = 0
    for (const [index, encoding] of ENCODINGS.entries()) {
      const runs = Math.floor(RUNS / ENCODINGS.length) + (index < RUNS % ENCODINGS.length ? 1 : 0)
      await fc.assert(
        fc.asyncProperty(comment, fc.constantFrom('json' as const, 'xml' as const), async (text, format) => {
          const cgid = RECORDS[sent++ % RECORDS.length]!
          const answer = await update(server, key, format, encode(encoding, cgid, text))
          const verdict = checkAnswer({ method: 'POST', target: `/v4.1/workflow.${format}` }, answer)
          assert.equal(verdict.code, null, `${encoding}, ${codePoints(text)} code points: ${answer.text}`)
          if (verdict.xml) xmlAnswers++
          const stored = await lastComment(server, key, cgid)
          // An empty comment counts as absent: the entry's comment is null.
          const expected = text === '' ? null : text
          assert.ok(stored.comment === expected, `${encoding}: the comment came back changed (${codePoints(text)} code points)`)
          longest = Math.max(longest, codePoints(text))
        }),
        // No shrinking: shrinking a 10,000-code-point string takes minutes; the seed and failing value are printed.
        { numRuns: runs, seed: 2_2000 + index, includeErrorInReport: true, endOnFailure: true },
      )
    }
    t.diagnostic(`I2 ${kind.name}: ${sent} comments (form/JSON/multipart split evenly), longest ${longest} code points, ${xmlAnswers} XML answers validated, ${Date.now() - started} ms`)
  })

  test(`[${kind.name}] I2: 10,000 code points are accepted, 10,001 answer 400202 in every encoding and format, and write nothing`, async (t) => {
    const { server, key } = await setup(kind, t)
    for (const encoding of ENCODINGS) {
      for (const format of ['json', 'xml'] as const) {
        for (const filler of ['a', '😀', 'é']) {
          const before = await lastComment(server, key, 7)
          const tooLong = await update(server, key, format, encode(encoding, 7, filler.repeat(10_001)))
          assert.equal(checkAnswer({ method: 'POST', target: `/v4.1/workflow.${format}` }, tooLong).code, 400202, `${encoding} ${format} ${filler}`)
          assert.deepEqual(await lastComment(server, key, 7), before)
          const exact = await update(server, key, format, encode(encoding, 7, filler.repeat(10_000)))
          assert.equal(checkAnswer({ method: 'POST', target: `/v4.1/workflow.${format}` }, exact).code, null, `${encoding} ${format} ${filler}`)
          assert.equal((await lastComment(server, key, 7)).comment, filler.repeat(10_000))
        }
      }
    }
  })

  test(`[${kind.name}] I2: each banned character (C0 but TAB/CR/LF, lone surrogates, U+FFFE, U+FFFF) answers 400203 and writes nothing`, async (t) => {
    const { server, key } = await setup(kind, t)
    const banned = [...Array.from({ length: 0x20 }, (_, c) => c).filter(isBanned), 0xfffe, 0xffff].map((c) => String.fromCharCode(c))
    let checked = 0
    for (const character of banned) {
      for (const encoding of ENCODINGS) {
        for (const format of ['json', 'xml'] as const) {
          const answer = await update(server, key, format, encode(encoding, 9, `before${character}after`))
          assert.equal(checkAnswer({ method: 'POST', target: `/v4.1/workflow.${format}` }, answer).code, 400203, `U+${character.charCodeAt(0).toString(16)} ${encoding} ${format}`)
          checked++
        }
      }
    }
    // Lone surrogates have no UTF-8 form: only a JSON escape carries them (raw, they are invalid UTF-8: 300005).
    for (const surrogate of ['\\ud800', '\\udbff', '\\udc00', '\\udfff', '\\ude00x', 'x\\ud83d']) {
      for (const format of ['json', 'xml'] as const) {
        const body = Buffer.from(`{"number_customergauge":9,"comment":"a${surrogate}"}`)
        const answer = await update(server, key, format, { contentType: 'application/json', body })
        assert.equal(checkAnswer({ method: 'POST', target: `/v4.1/workflow.${format}` }, answer).code, 400203, `${surrogate} ${format}`)
        checked++
      }
    }
    // Also when the banned character sits anywhere in a long, otherwise valid comment (it wins over 400202).
    await fc.assert(
      fc.asyncProperty(comment, fc.constantFrom(...banned), fc.nat(), fc.constantFrom(...ENCODINGS), async (text, character, at, encoding) => {
        const units = [...text]
        units.splice(at % (units.length + 1), 0, character)
        const answer = await update(server, key, 'xml', encode(encoding, 9, units.join('')))
        assert.equal(checkAnswer({ method: 'POST', target: '/v4.1/workflow.xml' }, answer).code, 400203)
        checked++
      }),
      { numRuns: 150, seed: 400_203, includeErrorInReport: true, endOnFailure: true },
    )
    assert.deepEqual(await lastComment(server, key, 9), { comment: undefined, entries: 0 })
    t.diagnostic(`I2 ${kind.name}: ${checked} banned-character requests, all 400203`)
  })
}
