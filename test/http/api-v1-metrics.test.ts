// GET /api/v1/metrics/summary over real HTTP, on a clock the test sets: exact counts, medians and p90s.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import type { MetricsSummary } from '../../src/service/metrics-summary.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { api, expectApiError, expectJson, getCase } from '../helpers/api-v1.js'
import { caller, createTestTenant, expectOk, form, startTestServer } from '../helpers/server.js'

const T0 = Date.parse('2026-11-27T10:00:00.000Z')
const DAY = 86_400
const at = (second: number): string => new Date(T0 + second * 1000).toISOString()

/** Tenant acme with records 1–8 and no auto-opened case; `update` calls v4.1 at a given second. */
async function setup(kind: TestDatabaseKind, t: TestContext) {
  let clock = new Date(at(0))
  const server = await startTestServer(kind, { now: () => clock })
  t.after(server.close)
  const acme = await createTestTenant(server.ctx, { slug: 'acme', records: [1, 2, 3, 4, 5, 6, 7, 8] })
  const send = caller(server, acme.key)
  const update = async (second: number, cgid: number, status?: string) => {
    clock = new Date(at(second))
    await expectOk(await send(form({ number_customergauge: cgid, ...(status ? { status } : {}) })), cgid)
  }
  const summary = async (query = '') => expectJson<MetricsSummary>(await api(server, acme.key, `/metrics/summary${query ? `?${query}` : ''}`))
  return { server, acme, update, summary }
}

/** Five cases opened on day one, two on day two; case 8 has no case. */
async function writeHistory(update: (second: number, cgid: number, status?: string) => Promise<void>): Promise<void> {
  const steps: Array<[number, number, string?]> = [
    [0, 1], [60, 1, 'PROGRESS'], [600, 1, 'CLOSED'],
    [0, 2], [120, 2, 'in-progress'], [1200, 2, 'close'],
    [0, 3], [3000, 3, 'CLOSED'],
    [0, 4], [240, 4, 'PROGRESS'],
    [0, 5],
    [DAY, 6], [DAY + 100, 6, 'CLOSED'],
    [DAY + 3600, 7],
  ]
  for (const [second, cgid, status] of steps) await update(second, cgid, status)
}

/** The summary with its percentiles compared to 1e-6 (interpolation is floating point). */
function assertSummary(actual: MetricsSummary, expected: MetricsSummary, what: string): void {
  assert.deepEqual(actual.counts, expected.counts, what)
  for (const timing of ['time_to_follow_up_s', 'time_to_close_s'] as const) {
    for (const stat of ['median', 'p90'] as const) {
      const [got, want] = [actual[timing][stat], expected[timing][stat]]
      if (want === null) assert.equal(got, null, `${what}: ${timing}.${stat}`)
      else assert.ok(got !== null && Math.abs(got - want) < 1e-6, `${what}: ${timing}.${stat} is ${got}, not ${want}`)
    }
  }
}

const summaryOf = (open: number, progress: number, closed: number, followUp: [number, number] | null, close: [number, number] | null): MetricsSummary => ({
  counts: { OPEN: open, PROGRESS: progress, CLOSED: closed },
  time_to_follow_up_s: { median: followUp?.[0] ?? null, p90: followUp?.[1] ?? null },
  time_to_close_s: { median: close?.[0] ?? null, p90: close?.[1] ?? null },
})

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] a tenant without cases has zero counts and null medians and p90s`, async (t) => {
    const { summary } = await setup(kind, t)
    assert.deepEqual(await summary(), summaryOf(0, 0, 0, null, null))
  })

  test(`[${kind.name}] the summary counts cases by phase and gives the median and p90 (linear interpolation) of their timings`, async (t) => {
    const { server, acme, update, summary } = await setup(kind, t)
    await writeHistory(update)
    // Follow-ups 60, 100, 120, 240, 3000 s; closes 100, 600, 1200, 3000 s.
    assertSummary(await summary(), summaryOf(2, 1, 4, [120, 1896], [900, 2460]), 'all')
    // The same numbers as the cases show.
    const views = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((cgid) => getCase(server, acme.key, cgid)))
    assert.deepEqual(views.map((view) => view.time_to_follow_up_s), [60, 120, 3000, 240, null, 100, null])
    assert.deepEqual(views.map((view) => view.time_to_close_s), [600, 1200, 3000, null, null, 100, null])
    // Re-opening case 3 takes it out of both timings.
    await update(DAY * 2, 3, 'OPEN')
    assertSummary(await summary(), summaryOf(3, 1, 3, [110, 204], [600, 1080]), 'after re-opening')
  })

  test(`[${kind.name}] from and to select the cases opened in [from, to); a bad instant or unknown parameter answers 300001`, async (t) => {
    const { server, acme, update, summary } = await setup(kind, t)
    await writeHistory(update)
    const dayOne = summaryOf(1, 1, 3, [180, 2172], [1200, 2640])
    const expected: Array<[string, MetricsSummary]> = [
      ['to=2026-11-28', dayOne],
      [`from=2026-11-27&to=${encodeURIComponent(at(DAY))}`, dayOne],
      ['from=2026-11-28', summaryOf(1, 0, 1, [100, 100], [100, 100])],
      [`from=${encodeURIComponent('2026-11-28T11:00:00+01:00')}`, summaryOf(1, 0, 1, [100, 100], [100, 100])],
      [`from=${encodeURIComponent(at(DAY + 3600))}`, summaryOf(1, 0, 0, null, null)],
      [`from=${encodeURIComponent(at(DAY + 3601))}`, summaryOf(0, 0, 0, null, null)],
      ['to=2026-11-27', summaryOf(0, 0, 0, null, null)],
      ['from=2026-11-28&to=2026-11-28', summaryOf(0, 0, 0, null, null)],
    ]
    for (const [query, want] of expected) assertSummary(await summary(query), want, query)
    for (const query of ['from=yesterday', 'to=2026-13-01', 'from=1700000000', 'from=', 'to=2026-11-28T25:00:00Z', 'since=2026-11-27', 'from=2026-11-27&from=2026-11-28']) {
      await expectApiError(await api(server, acme.key, `/metrics/summary?${query}`), 300001)
    }
  })
}
