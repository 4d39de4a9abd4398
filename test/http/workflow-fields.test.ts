// The field rules of the v4.1 call over real HTTP: 400011 (status), 400200 (record), 400201
// (assignee), 400202 and 400203 (comment), in both formats; a refused call changes nothing.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { deactivateUser } from '../../src/service/users.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import {
  WIRE_FORMATS,
  caller,
  createTestTenant,
  expectCode,
  expectOk,
  form,
  serverPerFile,
  uniqueSlug,
} from '../helpers/server.js'

const JSON_TYPE = 'application/json'

const serverFor = serverPerFile()

/** Tenant acme with case 12 in PROGRESS, assigned to des: a refused call has something to change. */
async function setup(kind: TestDatabaseKind) {
  const server = await serverFor(kind)
  const slug = uniqueSlug()
  const users = ['des@acme.test', 'ann@acme.test']
  const acme = await createTestTenant(server.ctx, { slug, records: [12], users })
  const send = caller(server, acme.key)
  const opening = form({ number_customergauge: 12, status: 'PROGRESS', assigned_to: users[0]! })
  await expectOk(await send(opening), 12)
  const before = await showCase(server.ctx, slug, 12)
  const unchanged = async () => assert.deepEqual(await showCase(server.ctx, slug, 12), before)
  return { server, slug, send, unchanged }
}

/** A call on case 12 that would change everything, but for `fields`. */
const change = (fields: Record<string, string | number>): string =>
  form({ number_customergauge: 12, status: 'CLOSED', comment: 'x', ...fields })

// Every C0 control XML 1.0 cannot carry: all but TAB, LF and CR.
const FORBIDDEN_C0 = Array.from({ length: 32 }, (_, code) => code).filter(
  (code) => ![0x09, 0x0a, 0x0d].includes(code),
)
const FORBIDDEN_JSON_ESCAPES = ['\\ud800', 'x\\udc00y', '\\ud83d', '\\u0000', '\\u001f', '\\uffff']
// What XML 1.0 cannot carry at all: an XML answer echoing input must not contain it.
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Surrogate}/u
const UNKNOWN_STATUSES = ['REOPENED', 'OPENED', 'IN PROGRESS', 'IN_PROGRESS', 'DONE', '0', '99']

for (const kind of TEST_DATABASES) {
  for (const format of WIRE_FORMATS) {
    test(`[${kind.name}] ${format}: an unknown status answers 400011 and writes nothing`, async () => {
      const { send, unchanged } = await setup(kind)
      for (const status of [...UNKNOWN_STATUSES, 'CLOSE D', 'null']) {
        const message = await expectCode(await send(change({ status }), { format }), 400011, format)
        assert.match(message, /status/i)
      }
      await unchanged()
    })

    test(`[${kind.name}] ${format}: a status echoed in the 400011 message stays well-formed (markup, controls)`, async () => {
      const { send, unchanged } = await setup(kind)
      for (const status of [
        '</Message><Code>1</Code>',
        'a&b<c>"\'',
        'x\u0001y',
        'x\u001By',
        'x\uFFFEy',
      ]) {
        const message = await expectCode(await send(change({ status }), { format }), 400011, format)
        assert.match(message, /^Invalid status: /)
        // JSON escapes what it must; XML cannot carry these characters at all, escaped or not.
        if (format === 'xml') assert.doesNotMatch(message, NOT_XML_CHAR, JSON.stringify(message))
      }
      await unchanged()
    })

    test(`[${kind.name}] ${format}: a missing record answers 400200 "Workflow not found" and writes nothing`, async () => {
      const { send, unchanged } = await setup(kind)
      for (const cgid of [99, 9007199254740991]) {
        const answer = await send(change({ number_customergauge: cgid }), { format })
        assert.equal(await expectCode(answer, 400200, format), 'Workflow not found')
      }
      await unchanged()
    })

    test(`[${kind.name}] ${format}: another tenant's record answers 400200 exactly like a missing one and stays untouched`, async () => {
      const { server, send, unchanged } = await setup(kind)
      const other = await createTestTenant(server.ctx, { slug: uniqueSlug('other'), records: [77] })
      await expectOk(await caller(server, other.key)(form({ number_customergauge: 77 })), 77)
      const theirs = await showCase(server.ctx, other.slug, 77)
      const foreign = await send(change({ number_customergauge: 77 }), { format })
      const missing = await send(change({ number_customergauge: 78 }), { format })
      assert.equal(foreign.status, missing.status)
      assert.equal(await foreign.clone().text(), await missing.clone().text())
      await expectCode(foreign, 400200, format)
      await expectCode(missing, 400200, format)
      assert.deepEqual(await showCase(server.ctx, other.slug, 77), theirs)
      await unchanged()
    })

    test(`[${kind.name}] ${format}: an unknown, deactivated or other tenant's assignee answers 400201 and writes nothing`, async () => {
      const { server, slug, send, unchanged } = await setup(kind)
      await createTestTenant(server.ctx, { slug: uniqueSlug('other'), users: ['eve@other.test'] })
      await deactivateUser(server.ctx, slug, 'ANN@acme.test')
      const assignees = [
        'nobody@acme.test',
        'ann@acme.test',
        'Ann@Acme.Test',
        'eve@other.test',
        'des',
      ]
      for (const assigned_to of assignees) {
        await expectCode(await send(change({ assigned_to }), { format }), 400201, format)
      }
      await unchanged()
    })

    test(`[${kind.name}] ${format}: a comment of 10,001 code points answers 400202; 10,000 astral code points pass`, async () => {
      const { server, slug, send, unchanged } = await setup(kind)
      const asJson = (comment: string) => JSON.stringify({ number_customergauge: 12, comment })
      // 😀 is one code point but two UTF-16 units: the limit counts code points.
      for (const comment of ['😀'.repeat(10_001), 'a'.repeat(10_001), `${'a'.repeat(9_999)}😀😀`]) {
        await expectCode(
          await send(asJson(comment), { format, contentType: JSON_TYPE }),
          400202,
          format,
        )
      }
      await unchanged()
      for (const comment of ['😀'.repeat(10_000), 'a'.repeat(10_000)]) {
        await expectOk(await send(asJson(comment), { format, contentType: JSON_TYPE }), 12, format)
        assert.equal((await showCase(server.ctx, slug, 12)).history.at(-1)?.comment, comment)
      }
    })

    test(`[${kind.name}] ${format}: a comment with a C0 control, U+FFFE, U+FFFF or a lone surrogate answers 400203`, async () => {
      const { send, unchanged } = await setup(kind)
      const escapes = FORBIDDEN_C0.map((code) => `%${code.toString(16).padStart(2, '0')}`)
      for (const escape of [...escapes, '%EF%BF%BE', '%EF%BF%BF']) {
        const wire = `number_customergauge=12&status=CLOSED&comment=a${escape}b`
        await expectCode(await send(wire, { format }), 400203, format)
      }
      for (const escaped of FORBIDDEN_JSON_ESCAPES) {
        const body = `{"number_customergauge":12,"comment":"${escaped}"}`
        await expectCode(await send(body, { format, contentType: JSON_TYPE }), 400203, format)
      }
      await unchanged()
    })
  }
}
