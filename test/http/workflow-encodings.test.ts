// Body encodings of the v4.1 call over real HTTP: malformed bodies (300005), unsupported or missing
// Content-Type (300007), and comments that round-trip exactly through form, JSON and multipart.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import {
  WIRE_FORMATS,
  asResponse,
  caller,
  createTestTenant,
  expectCode,
  expectOk,
  multipart,
  rawRequest,
  serverPerFile,
  uniqueSlug,
  workflowUrl,
} from '../helpers/server.js'

const FORM = 'application/x-www-form-urlencoded'
const JSON_TYPE = 'application/json'

const serverFor = serverPerFile()

async function setup(kind: TestDatabaseKind) {
  const server = await serverFor(kind)
  const slug = uniqueSlug()
  const acme = await createTestTenant(server.ctx, { slug, records: [12] })
  const comments = async () =>
    (await showCase(server.ctx, slug, 12)).history.map((entry) => entry.comment)
  return { server, acme, send: caller(server, acme.key), comments }
}

/** Bytes from latin1 text (one byte a character) and raw byte values. */
const bytes = (...parts: Array<string | number[]>): Uint8Array<ArrayBuffer> =>
  new Uint8Array(Buffer.concat(parts.map((part) => Buffer.from(part as string, 'latin1'))))

const BAD_ESCAPES = ['%ZZ', '%E2%82', '%C3%28', 'abc%', '%4', '%G1', '%C0%AF', '%ED%A0%80', '%FF']
const BAD_UTF8 = [
  [0xc3, 0x28],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0xf8, 0x88, 0x80, 0x80, 0x80],
  [0x80],
]
const BAD_JSON = ['{', '{"number_customergauge":12,}', "{'number_customergauge':12}", '{"a":1} x']
const NOT_AN_OBJECT = [
  '[{"number_customergauge":12}]',
  '"12"',
  '12',
  'null',
  'number_customergauge=12',
]
const UNSUPPORTED = ['text/plain', 'text/plain; charset=utf-8', 'application/xml', 'text/xml']
const UNSUPPORTED_TOO = [
  'application/jsonx',
  'multipart/mixed; boundary=x',
  'application/octet-stream',
]

for (const kind of TEST_DATABASES) {
  for (const format of WIRE_FORMATS) {
    test(`[${kind.name}] ${format}: bad percent-encoding or invalid UTF-8 in a form or query answers 300005 and writes nothing`, async () => {
      const { send, comments } = await setup(kind)
      const good = 'number_customergauge=12&status=CLOSED'
      for (const escape of BAD_ESCAPES) {
        await expectCode(await send(`${good}&comment=${escape}`, { format }), 300005, format)
      }
      await expectCode(await send(`${good}&%ZZ=1`, { format }), 300005, format)
      for (const raw of BAD_UTF8) {
        const body = bytes(`${good}&comment=`, raw)
        await expectCode(await send(body, { format, contentType: FORM }), 300005, format)
      }
      for (const query of ['comment=%ZZ', 'comment=%C3%28', 'comment=%']) {
        await expectCode(await send(good, { format, query }), 300005, format)
      }
      assert.deepEqual(await comments(), [])
    })

    test(`[${kind.name}] ${format}: unparsable JSON, a JSON body that is not an object or invalid UTF-8 in JSON answers 300005`, async () => {
      const { send, comments } = await setup(kind)
      for (const body of [...BAD_JSON, ...NOT_AN_OBJECT]) {
        await expectCode(await send(body, { format, contentType: JSON_TYPE }), 300005, format)
      }
      const invalid = bytes('{"number_customergauge":12,"comment":"', [0xc3, 0x28], '"}')
      await expectCode(await send(invalid, { format, contentType: JSON_TYPE }), 300005, format)
      assert.deepEqual(await comments(), [])
    })

    test(`[${kind.name}] ${format}: broken multipart or invalid UTF-8 in a part answers 300005`, async () => {
      const { send, comments } = await setup(kind)
      const good = multipart([
        ['number_customergauge', '12'],
        ['status', 'CLOSED'],
      ])
      const text = Buffer.from(good.body).toString('latin1')
      const broken = [
        { body: text.slice(0, text.lastIndexOf('--firehouse')), contentType: good.contentType },
        { body: text, contentType: 'multipart/form-data' },
        { body: 'not multipart at all', contentType: good.contentType },
        // A header line without a colon.
        { body: text.replace(': form-data; name="status"', ''), contentType: good.contentType },
      ]
      for (const { body, contentType } of broken) {
        await expectCode(await send(bytes(body), { format, contentType }), 300005, format)
      }
      const invalid = multipart([
        ['number_customergauge', '12'],
        ['comment', bytes([0xc3, 0x28])],
      ])
      await expectCode(
        await send(invalid.body, { format, contentType: invalid.contentType }),
        300005,
        format,
      )
      assert.deepEqual(await comments(), [])
    })

    test(`[${kind.name}] ${format}: an unsupported or missing Content-Type answers 415 300007 and writes nothing`, async () => {
      const { server, acme, send, comments } = await setup(kind)
      for (const contentType of [...UNSUPPORTED, ...UNSUPPORTED_TOO]) {
        const body = 'number_customergauge=12&status=CLOSED'
        await expectCode(await send(body, { format, contentType }), 300007, format)
      }
      // fetch always adds a Content-Type to a body: node:http sends it without one.
      const raw = await rawRequest(workflowUrl(server, format), {
        headers: { authorization: `api_key ${acme.key}`, 'content-length': '35' },
        body: 'number_customergauge=12&status=OPEN',
      })
      await expectCode(asResponse(raw), 300007, format)
      assert.deepEqual(await comments(), [])
    })
  }

  test(`[${kind.name}] media types match case-insensitively and with parameters; an empty body needs none`, async () => {
    const { server, acme, send, comments } = await setup(kind)
    for (const contentType of [`${FORM}; charset=UTF-8`, 'Application/X-WWW-Form-Urlencoded']) {
      await expectOk(await send('number_customergauge=12', { contentType }), 12)
    }
    const json = { contentType: 'application/json; charset=utf-8' }
    await expectOk(await send('{"number_customergauge":12}', json), 12)
    const raw = await rawRequest(`${workflowUrl(server)}?number_customergauge=12`, {
      headers: { authorization: `api_key ${acme.key}` },
    })
    await expectOk(asResponse(raw), 12)
    assert.equal((await comments()).length, 4)
  })

  test(`[${kind.name}] comments with +, %2B, %20, emoji, newlines, CRLF and tab round-trip exactly through form, JSON and multipart`, async () => {
    const { send, comments } = await setup(kind)
    const rich =
      ' lead + plus, 100%25 %2B, 😀 emoji, ü中文\nline2\r\nline3\ttab, "q" <b>&amp;</b>\r\n'
    const sent: Array<[BodyInit, string | undefined, string]> = [
      ['number_customergauge=12&comment=a+b%2Bc%20d', FORM, 'a b+c d'],
      ['number_customergauge=12&comment=%F0%9F%98%80%0D%0A%09x%0Ay', FORM, '😀\r\n\tx\ny'],
      [new URLSearchParams({ number_customergauge: '12', comment: rich }).toString(), FORM, rich],
      [JSON.stringify({ number_customergauge: 12, comment: rich }), JSON_TYPE, rich],
      [
        '{"number_customergauge":12,"comment":"\\ud83d\\ude00\\r\\n\\t+%2B"}',
        JSON_TYPE,
        '😀\r\n\t+%2B',
      ],
    ]
    const parts = multipart([
      ['number_customergauge', '12'],
      ['comment', rich],
    ])
    sent.push([parts.body, parts.contentType, rich])
    for (const [body, contentType] of sent) await expectOk(await send(body, { contentType }), 12)
    assert.deepEqual(
      await comments(),
      sent.map(([, , comment]) => comment),
    )
  })

  test(`[${kind.name}] a multipart file part counts as a field: its content is the value`, async () => {
    const { send, comments } = await setup(kind)
    const boundary = 'file-part-boundary'
    const body = new Uint8Array(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="number_customergauge"\r\n\r\n12\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="comment"; filename="note.txt"\r\n` +
          `Content-Type: text/plain\r\n\r\nfrom a file 😀\n\r\n--${boundary}--\r\n`,
      ),
    )
    await expectOk(
      await send(body, { contentType: `multipart/form-data; boundary=${boundary}` }),
      12,
    )
    assert.deepEqual(await comments(), ['from a file 😀\n'])
  })
}
