// serve --workers N: N processes behind one port; a crashed worker is replaced and service goes on.

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { openTestContext, TEST_DATABASES } from '../helpers/databases.js'
import { spawnServer } from '../helpers/process.js'
import { createTestTenant, form, rawRequest } from '../helpers/server.js'

const WORKERS = 2
const REPLACE_BOUND_MS = 15_000

/** The pids of a process's children (the cluster's workers). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number)
  } catch {
    return [] // pgrep exits 1 when there are none
  }
}

async function waitForWorkers(pid: number, count: number, without: number[] = []): Promise<number[]> {
  const deadline = Date.now() + REPLACE_BOUND_MS
  for (;;) {
    const workers = childrenOf(pid).filter((child) => !without.includes(child))
    if (workers.length === count) return workers
    if (Date.now() > deadline) throw new Error(`expected ${count} workers, found ${workers.length}`)
    await sleep(100)
  }
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] serve --workers ${WORKERS}: a worker killed with SIGKILL is replaced, calls keep succeeding, SIGTERM exits 0`, async (t) => {
    const { ctx, database } = await openTestContext(t, kind)
    const acme = await createTestTenant(ctx, { slug: 'acme', records: [3] })
    const server = await spawnServer(database.url, { args: ['--workers', String(WORKERS)] })
    t.after(() => server.stop('SIGKILL'))
    // Each call on a connection of its own: a kept-alive connection to the worker that is killed
    // dies with it, and a call the client had already sent on it is the client's to retry (the
    // typed client does). That is not what this test is about.
    const update = async (comment: string) =>
      (
        await rawRequest(`${server.url}/v4.1/workflow.json`, {
          headers: { authorization: `api_key ${acme.key}`, 'content-type': 'application/x-www-form-urlencoded' },
          body: form({ number_customergauge: 3, comment }),
          freshConnection: true,
        })
      ).status

    const primary = server.child.pid!
    const [victim] = await waitForWorkers(primary, WORKERS)
    assert.equal(await update('before'), 200)
    process.kill(victim!, 'SIGKILL')
    const started = Date.now()
    const replaced = await waitForWorkers(primary, WORKERS, [victim!])
    t.diagnostic(`worker ${victim} killed; ${replaced.length} workers again after ${Date.now() - started} ms`)
    for (let i = 0; i < 10; i++) assert.equal(await update(`after ${i}`), 200)
    assert.equal(await server.stop('SIGTERM'), 0)
  })
}
