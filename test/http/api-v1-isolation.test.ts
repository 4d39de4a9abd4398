// Tenant isolation on every /api/v1 route, in both directions, and which routes need an API key.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { api, expectApiError, expectJson, getCase, getRecord, importFile, readToEnd, type ImportAnswer } from '../helpers/api-v1.js'
import { createTestTenant, startTestServer } from '../helpers/server.js'

const A_CASES = [1, 2, 3, 4, 5]
const B_CASES = [200, 201, 202, 203, 204, 205, 206, 207]

/** Tenant a (cases 1–5, record 12 without a case) and tenant b (cases 200–207, record 50). */
async function setup(kind: TestDatabaseKind, t: TestContext) {
  const server = await startTestServer(kind)
  t.after(server.close)
  const a = await createTestTenant(server.ctx, { slug: 'tenant-a', records: [...A_CASES, 12], detractors: A_CASES })
  const b = await createTestTenant(server.ctx, { slug: 'tenant-b', records: [...B_CASES, 50], detractors: B_CASES })
  return { server, a, b }
}

/** The /api/v1 routes and a request each would serve with a valid key. */
const ROUTES: Array<[string, string, { body?: string; contentType?: string }?]> = [
  ['GET', '/cases'],
  ['GET', '/cases/1'],
  ['GET', '/records/1'],
  ['GET', '/metrics/summary'],
  ['POST', '/records', { body: '[{"number_customergauge":900,"nps":1}]', contentType: 'application/json' }],
]

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] another tenant's case or record answers 404 400200 byte for byte like a missing one, both ways`, async (t) => {
    const { server, a, b } = await setup(kind, t)
    const pairs: Array<[string, string, string]> = [
      [b.key, '/cases/1', '/cases/999'],
      [b.key, '/cases/12', '/cases/999'],
      [b.key, '/records/1', '/records/999'],
      [b.key, '/records/12', '/records/999'],
      [a.key, '/cases/200', '/cases/999'],
      [a.key, '/records/50', '/records/999'],
    ]
    for (const [key, theirs, missing] of pairs) {
      const [other, absent] = [await api(server, key, theirs), await api(server, key, missing)]
      assert.equal(other.headers.get('content-type'), absent.headers.get('content-type'))
      const [otherText, absentText] = [await other.clone().text(), await absent.clone().text()]
      assert.equal(otherText, absentText, theirs)
      await expectApiError(other, 400200)
      await expectApiError(absent, 400200)
    }
    // The owners still see them.
    assert.equal((await getCase(server, a.key, 1)).status, 'OPEN')
    assert.equal((await getRecord(server, b.key, 50)).number_customergauge, 50)
  })

  test(`[${kind.name}] each tenant's feed and metrics summary hold only its own cases; a cursor of one tenant's feed is 300001 for the other`, async (t) => {
    const { server, a, b } = await setup(kind, t)
    const cgidsOf = (pages: Awaited<ReturnType<typeof readToEnd>>['pages']) => pages.flatMap((page) => page.data.map((c) => c.number_customergauge))
    const feedA = await readToEnd(server, a.key, { perPage: 2 })
    assert.deepEqual(cgidsOf(feedA.pages), A_CASES)
    assert.deepEqual(cgidsOf((await readToEnd(server, b.key, { perPage: 3 })).pages), B_CASES)
    const summary = async (key: string) => expectJson<{ counts: Record<string, number> }>(await api(server, key, '/metrics/summary'))
    assert.deepEqual((await summary(a.key)).counts, { OPEN: 5, PROGRESS: 0, CLOSED: 0 })
    assert.deepEqual((await summary(b.key)).counts, { OPEN: 8, PROGRESS: 0, CLOSED: 0 })
    // A's cursors (one mid-feed, one at its end) are bound to A: B's sync is told, not silently
    // moved past changes it never saw (SPEC §5: a cursor not ours is 300001).
    for (const cursor of [feedA.pages[0]!.next_cursor, feedA.cursor]) {
      assert.match(await expectApiError(await api(server, b.key, `/cases?per_page=2&cursor=${encodeURIComponent(cursor)}`), 300001), /cursor/)
      // A still resumes from it.
      assert.equal((await api(server, a.key, `/cases?per_page=2&cursor=${encodeURIComponent(cursor)}`)).status, 200)
    }
  })

  test(`[${kind.name}] importing a CG-ID another tenant also has creates the importer's own record and leaves the other's untouched`, async (t) => {
    const { server, a, b } = await setup(kind, t)
    const [recordBefore, caseBefore] = [await getRecord(server, a.key, 12), await getCase(server, a.key, 12)]
    const body = JSON.stringify([{ number_customergauge: 12, nps: 2, comment: 'tenant b' }, { number_customergauge: 1, nps: 0 }])
    const report = await expectJson<ImportAnswer>(await importFile(server, b.key, body, 'application/json'))
    assert.deepEqual(report, { imported: 2, updated: 0, opened: 2 })
    assert.deepEqual(await getRecord(server, a.key, 12), recordBefore)
    assert.deepEqual(await getCase(server, a.key, 12), caseBefore)
    assert.deepEqual((await getCase(server, a.key, 1)).history.length, 1)
    assert.deepEqual([(await getRecord(server, b.key, 12)).comment, (await getCase(server, b.key, 12)).status], ['tenant b', 'OPEN'])
  })

  test(`[${kind.name}] every /api/v1 route answers 401 200000 without a key and with a bad one; /openapi.json, /docs, /healthz, /readyz, /metrics need none`, async (t) => {
    const { server, a } = await setup(kind, t)
    const badKeys: Array<[string | undefined, RegExp]> = [
      [undefined, /missing/i],
      [`fh_${'x'.repeat(43)}`, /invalid/i],
      ['', /missing/i],
    ]
    for (const [method, path, init] of ROUTES) {
      for (const [key, reason] of badKeys) {
        const headers = key === '' ? { authorization: 'Bearer abc' } : undefined
        const answer = await api(server, key === '' ? undefined : key, path, { method, ...init, headers })
        const message = await expectApiError(answer, 200000)
        if (key !== '') assert.match(message, reason, `${method} ${path}`)
      }
    }
    // Nothing was imported by the refused calls.
    await expectApiError(await api(server, a.key, '/records/900'), 400200)
    for (const path of ['/openapi.json', '/docs', '/healthz', '/readyz', '/metrics']) {
      const answer = await fetch(`${server.url}${path}`)
      await answer.arrayBuffer()
      assert.equal(answer.status, 200, path)
    }
  })
}
