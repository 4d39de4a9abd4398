// Concurrent v4.1 calls over real HTTP: serialised per case, no update lost, history in commit order.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { showCase, type CaseJson } from '../../src/service/case-view.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import {
  createTestTenant,
  expectOk,
  form,
  post,
  startTestServer,
  workflowUrl,
  type TestServer,
  type TestTenant,
} from '../helpers/server.js'

const STATUSES = ['OPEN', 'PROGRESS', 'CLOSED', 'in-progress', 'close'] as const
const ASSIGNEES = ['des@acme.test', 'ann@acme.test']

/** `count` different updates of one case, all sent at once; resolves when every answer is in. */
async function sendAtOnce(
  server: TestServer,
  tenant: TestTenant,
  cgid: number,
  count: number,
  tag: string,
): Promise<string[]> {
  const comments = Array.from({ length: count }, (_, i) => `${tag} ${i}`)
  const answers = await Promise.all(
    comments.map((comment, i) =>
      post(
        workflowUrl(server, i % 2 === 0 ? 'json' : 'xml'),
        form({
          number_customergauge: cgid,
          status: STATUSES[i % STATUSES.length]!,
          assigned_to: ASSIGNEES[i % 2]!,
          comment,
        }),
        {
          key: tenant.key,
        },
      ),
    ),
  )
  for (const [i, answer] of answers.entries())
    await expectOk(answer, cgid, i % 2 === 0 ? 'json' : 'xml')
  return comments
}

/** The history is one chain: seq 1…n, each entry starting where the previous one ended, the case at its end. */
function assertOneChain(view: CaseJson, comments: readonly string[]): void {
  const { history } = view
  assert.deepEqual(
    history.map((entry) => entry.seq),
    Array.from({ length: comments.length }, (_, i) => i + 1),
  )
  assert.deepEqual(history.map((entry) => entry.comment).sort(), [...comments].sort())
  assert.equal(history[0]?.status_from, null)
  assert.equal(history[0]?.assigned_from, null)
  for (let i = 1; i < history.length; i++) {
    const [previous, entry] = [history[i - 1]!, history[i]!]
    assert.equal(entry.status_from, previous.status_to, `seq ${entry.seq}`)
    assert.equal(entry.status_label_from, previous.status_label_to, `seq ${entry.seq}`)
    assert.equal(entry.assigned_from, previous.assigned_to, `seq ${entry.seq}`)
    assert.ok(entry.at >= previous.at, `seq ${entry.seq} is older than seq ${previous.seq}`)
  }
  const last = history.at(-1)!
  assert.equal(view.status, last.status_to)
  assert.equal(view.status_label, last.status_label_to)
  assert.equal(view.assigned_to, last.assigned_to)
  assert.equal(view.updated_at, last.at)
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] 60 concurrent updates of one case: 60 entries, seq 1…60, each from = the previous to, the case = the last`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, {
      slug: 'acme',
      records: [12],
      users: ASSIGNEES,
    })
    const comments = await sendAtOnce(server, acme, 12, 60, 'update')
    assertOneChain(await showCase(server.ctx, 'acme', 12), comments)
  })

  test(`[${kind.name}] concurrent updates of two tenants' cases with the same CG-ID stay apart`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, {
      slug: 'acme',
      records: [12, 13],
      users: ASSIGNEES,
    })
    const other = await createTestTenant(server.ctx, {
      slug: 'other',
      records: [12],
      users: ASSIGNEES,
    })
    const [ours, ours13, theirs] = await Promise.all([
      sendAtOnce(server, acme, 12, 30, 'acme'),
      sendAtOnce(server, acme, 13, 20, 'acme13'),
      sendAtOnce(server, other, 12, 30, 'other'),
    ])
    assertOneChain(await showCase(server.ctx, 'acme', 12), ours)
    assertOneChain(await showCase(server.ctx, 'acme', 13), ours13)
    assertOneChain(await showCase(server.ctx, 'other', 12), theirs)
  })
}
