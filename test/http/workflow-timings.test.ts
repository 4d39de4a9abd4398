// Case timings over real HTTP (SPEC §1): followed_up_at when a case first leaves OPEN, closed_at when
// it enters CLOSED; re-opening clears both, CLOSED -> PROGRESS clears closed_at, same phase keeps both.

import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { showCase } from '../../src/service/case-view.js'
import { setStatusesFromFile } from '../../src/service/statuses.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { caller, createTestTenant, expectOk, form, startTestServer } from '../helpers/server.js'

/** 2026-11-27 at 10:mm UTC. */
const at = (minute: number): string => `2026-11-27T10:${String(minute).padStart(2, '0')}:00.000Z`

/** [status label, followed_up_at, closed_at, updated_at], with minutes for times. */
type Timings = [string, number | null, number | null, number]

/** A server on a clock the test moves by hand; `call` sets the clock, sends, and reads the times back. */
async function setup(kind: TestDatabaseKind, t: TestContext, extendedStatuses = false) {
  let clock = new Date(at(0))
  const server = await startTestServer(kind, { now: () => clock })
  t.after(server.close)
  const acme = await createTestTenant(server.ctx, {
    slug: 'acme',
    records: [12, 13],
    extendedStatuses,
  })
  const send = caller(server, acme.key)
  const call = async (minute: number, fields: Record<string, string> = {}, cgid = 12) => {
    clock = new Date(at(minute))
    await expectOk(await send(form({ number_customergauge: cgid, ...fields })), cgid)
    const view = await showCase(server.ctx, 'acme', cgid)
    return [view.status_label, view.followed_up_at, view.closed_at, view.updated_at]
  }
  const expectTimings = async (
    seen: Promise<unknown[]>,
    [label, followed, closed, updated]: Timings,
  ) => {
    const iso = (minute: number | null) => (minute === null ? null : at(minute))
    assert.deepEqual(await seen, [label, iso(followed), iso(closed), at(updated)])
  }
  return { server, call, expectTimings }
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] followed_up_at and closed_at are set, kept and cleared as the status moves`, async (t) => {
    const { server, call, expectTimings } = await setup(kind, t)
    await expectTimings(call(0), ['OPEN', null, null, 0])
    await expectTimings(call(5, { status: 'PROGRESS' }), ['PROGRESS', 5, null, 5])
    await expectTimings(call(10, { status: 'CLOSED' }), ['CLOSED', 5, 10, 10])
    // The same phase again keeps both times.
    await expectTimings(call(15, { status: 'close' }), ['CLOSED', 5, 10, 15])
    // CLOSED -> PROGRESS clears closed_at only.
    await expectTimings(call(20, { status: 'IN-PROGRESS' }), ['PROGRESS', 5, null, 20])
    await expectTimings(call(25, { status: 'PROGRESS', comment: 'on it' }), [
      'PROGRESS',
      5,
      null,
      25,
    ])
    await expectTimings(call(30, { status: 'CLOSED' }), ['CLOSED', 5, 30, 30])
    // Re-opening clears both; leaving OPEN again sets followed_up_at anew.
    await expectTimings(call(35, { status: 'OPEN' }), ['OPEN', null, null, 35])
    await expectTimings(call(40, { comment: 'no status' }), ['OPEN', null, null, 40])
    await expectTimings(call(45, { status: 'CLOSED' }), ['CLOSED', 45, 45, 45])
    const view = await showCase(server.ctx, 'acme', 12)
    assert.equal(view.opened_at, at(0))
    assert.equal(view.time_to_close_s, 45 * 60)
    assert.equal(view.time_to_follow_up_s, 45 * 60)
  })

  test(`[${kind.name}] a case created directly in PROGRESS or CLOSED gets its times at creation`, async (t) => {
    const { call, expectTimings } = await setup(kind, t)
    await expectTimings(call(7, { status: 'CLOSED' }), ['CLOSED', 7, 7, 7])
    await expectTimings(call(8, { status: 'progress' }, 13), ['PROGRESS', 8, null, 8])
  })

  test(`[${kind.name}] moving between two extended codes of the same phase keeps both times`, async (t) => {
    const { server, call, expectTimings } = await setup(kind, t, true)
    const set =
      'code,label,phase\n1,New,OPEN\n2,Triage,OPEN\n20,Working,PROGRESS\n21,Waiting,PROGRESS\n' +
      '30,Solved,CLOSED\n31,Rejected,CLOSED\n'
    await setStatusesFromFile(server.ctx, 'acme', set, 'csv')
    await expectTimings(call(0, { status: '2' }), ['Triage', null, null, 0])
    await expectTimings(call(1, { status: 'New' }), ['New', null, null, 1])
    await expectTimings(call(2, { status: '20' }), ['Working', 2, null, 2])
    await expectTimings(call(3, { status: 'waiting' }), ['Waiting', 2, null, 3])
    await expectTimings(call(4, { status: 'Solved' }), ['Solved', 2, 4, 4])
    await expectTimings(call(5, { status: '31' }), ['Rejected', 2, 4, 5])
    // The standard word maps to the lowest CLOSED code: still the same phase.
    await expectTimings(call(6, { status: 'CLOSED' }), ['Solved', 2, 4, 6])
    await expectTimings(call(7, { status: 'Working' }), ['Working', 2, null, 7])
    await expectTimings(call(8, { status: 'open' }), ['New', null, null, 8])
  })
}
