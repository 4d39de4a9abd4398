// What a v4.1 call does to a case's history over real HTTP: one entry per successful call (even when
// nothing changes) with from/to, time and actor; and atomicity: a refused call changes nothing.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { createApiKey } from '../../src/service/api-keys.js'
import { showCase } from '../../src/service/case-view.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import {
  WIRE_FORMATS,
  caller,
  createTestTenant,
  expectCode,
  expectOk,
  form,
  multipart,
  startTestServer,
} from '../helpers/server.js'

const at = (minute: number): string => `2026-11-27T10:${String(minute).padStart(2, '0')}:00.000Z`

/** Tenant acme (record 12; users des and Ann) on a clock the test moves by hand. */
async function setup(kind: TestDatabaseKind, t: TestContext) {
  let clock = new Date(at(0))
  const server = await startTestServer(kind, { now: () => clock })
  t.after(server.close)
  const users = ['des@acme.test', 'Ann@Acme.test']
  const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [12], users })
  const send = caller(server, acme.key)
  const call = async (minute: number, fields: Record<string, string> = {}) => {
    clock = new Date(at(minute))
    await expectOk(await send(form({ number_customergauge: 12, ...fields })), 12)
  }
  return { server, acme, send, call }
}

const JSON_TYPE = 'application/json'
const GOOD = {
  number_customergauge: '12',
  status: 'CLOSED',
  assigned_to: 'ann@acme.test',
  comment: 'after',
}
const padding = Array.from({ length: 97 }, (_, i) => `f${i}=1`).join('&')

/** Calls that would change everything but for one fault: [what, code, body, Content-Type]. */
const REFUSED: Array<[string, number, BodyInit, string?]> = [
  ['bad status + good assignee', 400011, form({ ...GOOD, status: 'DONE' })],
  ['good status + unknown assignee', 400201, form({ ...GOOD, assigned_to: 'nobody@acme.test' })],
  ['good fields + too long comment', 400202, form({ ...GOOD, comment: 'x'.repeat(10_001) })],
  ['good fields + forbidden character', 400203, form({ ...GOOD, comment: 'bell\u0007' })],
  ['good fields + repeated comment', 300001, `${form(GOOD)}&comment=again`],
  ['good fields + bad JSON type', 300001, JSON.stringify({ ...GOOD, status: 2 }), JSON_TYPE],
  ['good fields + bad encoding', 300005, `${form(GOOD)}&x=%ZZ`],
  ['good fields + 101 fields', 300000, `${form(GOOD)}&${padding}`],
  ['good fields + missing record', 400200, form({ ...GOOD, number_customergauge: '99' })],
  [
    'multipart with a bad status',
    400011,
    multipart(Object.entries({ ...GOOD, status: 'x' })).body,
    multipart([]).contentType,
  ],
  [
    'JSON with an unknown assignee',
    400201,
    JSON.stringify({ ...GOOD, assigned_to: 'eve@x.test' }),
    JSON_TYPE,
  ],
]

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] every call writes one history entry with from/to, time and actor key:<key id>, even when nothing changes`, async (t) => {
    const { server, acme, call } = await setup(kind, t)
    const second = await createApiKey(server.ctx, 'acme', 'second')
    await call(1, { assigned_to: 'ANN@acme.test', comment: 'first' })
    await call(2)
    await call(3, { status: 'OPEN', assigned_to: 'ann@acme.test' })
    const bySecondKey = form({
      number_customergauge: 12,
      status: 'CLOSED',
      assigned_to: 'des@acme.test',
    })
    await expectOk(await caller(server, second.key)(bySecondKey, { format: 'xml' }), 12, 'xml')
    await call(4, { comment: 'only a comment' })
    const view = await showCase(server.ctx, 'acme', 12)
    const [ours, theirs] = [`key:${acme.keyId}`, `key:${second.info.id}`]
    const ann = 'Ann@Acme.test'
    // [seq, at, actor, status from, to, assigned from, to, comment]; the assignee as registered.
    assert.deepEqual(
      view.history.map((e) => [
        e.seq,
        e.at,
        e.actor,
        e.status_from,
        e.status_to,
        e.assigned_from,
        e.assigned_to,
        e.comment,
      ]),
      [
        [1, at(1), ours, null, 'OPEN', null, ann, 'first'],
        [2, at(2), ours, 'OPEN', 'OPEN', ann, ann, null],
        [3, at(3), ours, 'OPEN', 'OPEN', ann, ann, null],
        [4, at(3), theirs, 'OPEN', 'CLOSED', ann, 'des@acme.test', null],
        [5, at(4), ours, 'CLOSED', 'CLOSED', 'des@acme.test', 'des@acme.test', 'only a comment'],
      ],
    )
    assert.deepEqual(
      [view.status, view.assigned_to, view.updated_at],
      ['CLOSED', 'des@acme.test', at(4)],
    )
  })

  for (const format of WIRE_FORMATS) {
    test(`[${kind.name}] ${format}: every refused call leaves the case and its history unchanged (atomicity)`, async (t) => {
      const { server, send, call } = await setup(kind, t)
      await call(1, { status: 'PROGRESS', assigned_to: 'des@acme.test', comment: 'before' })
      const before = await showCase(server.ctx, 'acme', 12)
      for (const [what, code, body, contentType] of REFUSED) {
        await expectCode(await send(body, { format, contentType }), code, format)
        assert.deepEqual(await showCase(server.ctx, 'acme', 12), before, what)
      }
      // The next good call continues the history where it was.
      await call(2, { status: 'CLOSED' })
      const after = await showCase(server.ctx, 'acme', 12)
      assert.deepEqual(
        after.history.map((entry) => [entry.seq, entry.status_from, entry.status_to]),
        [
          [1, null, 'PROGRESS'],
          [2, 'PROGRESS', 'CLOSED'],
        ],
      )
      assert.equal(after.closed_at, at(2))
    })
  }
}
