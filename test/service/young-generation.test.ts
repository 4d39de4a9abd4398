// serve's young-generation bound (src/service/young-generation.ts): the request thread's new space
// stays at its first size under allocation, although starting a thread (and that thread starting
// its own) puts V8's growth factor back. Each case runs in a fresh process, as serve does: the flag
// is process-wide, and the bound is set before anything else loads (a loader such as tsx grows the
// new space to its maximum first), so the process runs the build (dist/).

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { assertFreshBuild } from '../helpers/fresh-build.js'
import { growthFactorFor, KEPT_NEW_SPACE_BYTES } from '../../src/service/young-generation.js'

const built = (path: string): string => JSON.stringify(new URL(`../../dist/server/${path}`, import.meta.url).href)

/**
 * The request thread's largest new space (MB) while it churns short-lived objects, in a fresh
 * process that starts the writer thread for a SQLite file (which starts the checkpoint thread)
 * and writes through it first: with V8's own growth the new space reaches 33.6 MB.
 */
function newSpaceMbAfterThreads(dir: string, name: string, bound: boolean): number {
  const file = join(dir, `${name}.db`)
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8'
    import { setTimeout as sleep } from 'node:timers/promises'
    const { boundYoungGeneration } = await import(${built('service/young-generation.js')})
    if (${bound}) boundYoungGeneration()
    const { openServiceContext } = await import(${built('service/database.js')})
    const { startWriterThread } = await import(${built('service/writer-thread.js')})
    const ctx = await openServiceContext(${JSON.stringify(file)}, { migrate: true })
    const writer = startWriterThread(${JSON.stringify(file)}, () => undefined)
    const now = new Date().toISOString()
    await writer.claimDeliveries([], { owner: 'test', now, leaseUntil: now, limit: 1 })
    // The writer thread started its checkpoint thread before it took the claim; let that one come up too.
    await sleep(1500)
    const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size
    let max = newSpace()
    let ring = new Array(20_000)
    for (let round = 0; round < 3_000_000; round++) {
      ring[round % ring.length] = { round, text: 'churn ' + round }
      if (round % 10_000 === 0) max = Math.max(max, newSpace())
    }
    await writer.close()
    await ctx.store.close()
    console.log(max / 1048576)`
  // A file, not --input-type=module -e: threads inherit the process's flags, and that one refuses them.
  const scriptFile = join(dir, `${name}.mjs`)
  writeFileSync(scriptFile, script)
  const output = execFileSync(process.execPath, [scriptFile], { encoding: 'utf8', timeout: 120_000 })
  return Number(output.trim().split('\n').pop())
}

test("the request thread's new space keeps its first size after the writer and checkpoint threads start", (t) => {
  assertFreshBuild()
  const dir = mkdtempSync(join(tmpdir(), 'fh-young-'))
  try {
    const unbounded = newSpaceMbAfterThreads(dir, 'unbounded', false)
    const bounded = newSpaceMbAfterThreads(dir, 'bounded', true)
    t.diagnostic(`new space: bounded ${bounded.toFixed(1)} MB, unbounded ${unbounded.toFixed(1)} MB`)
    assert.ok(bounded <= unbounded / 4, `bounded ${bounded.toFixed(1)} MB, unbounded ${unbounded.toFixed(1)} MB`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

/**
 * The request thread's new space (MB) under churn, after a pause in which V8 shrank it, in a fresh
 * process (the build) whose young generation is bounded. V8's memory reducer shrinks the new space
 * of a heap that stopped allocating 8 s after its last collection (its flag for a shorter delay did
 * not shrink it within 5 s here), so the pause lasts 12 s.
 */
function newSpaceMbAfterPause(dir: string): { beforePause: number; paused: number; afterPause: number } {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8'
    import { setTimeout as sleep } from 'node:timers/promises'
    const { boundYoungGeneration, keepNewSpaceWhileServing } = await import(${built('service/young-generation.js')})
    boundYoungGeneration()
    keepNewSpaceWhileServing()
    const newSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size / 1048576
    // Short-lived objects, with turns of the event loop between them as a server has.
    const churn = async () => {
      let max = 0
      const ring = new Array(20_000)
      for (let round = 0; round < 3_000_000; round++) {
        ring[round % ring.length] = { round, text: 'churn ' + round }
        if (round % 10_000 === 0) {
          max = Math.max(max, newSpace())
          await new Promise((resolve) => setImmediate(resolve))
        }
      }
      return max
    }
    const beforePause = await churn()
    await sleep(12_000)
    const paused = newSpace()
    const afterPause = await churn()
    console.log(JSON.stringify({ beforePause, paused, afterPause }))`
  const scriptFile = join(dir, 'pause.mjs')
  writeFileSync(scriptFile, script)
  const output = execFileSync(process.execPath, [scriptFile], { encoding: 'utf8', timeout: 120_000 })
  return JSON.parse(output.trim().split('\n').pop()!) as { beforePause: number; paused: number; afterPause: number }
}

test("the request thread's new space grows back to the kept size after a pause shrank it", (t) => {
  assertFreshBuild()
  const dir = mkdtempSync(join(tmpdir(), 'fh-young-pause-'))
  try {
    const { beforePause, paused, afterPause } = newSpaceMbAfterPause(dir)
    t.diagnostic(`new space: ${beforePause} MB under churn, ${paused} MB after the pause, ${afterPause} MB under churn again`)
    const kept = KEPT_NEW_SPACE_BYTES / 1048576
    assert.equal(beforePause, kept)
    // The pause did shrink it (else this test would prove nothing about growing back).
    assert.ok(paused < kept, `after the pause ${paused} MB`)
    // Before the twelfth session it stayed at the shrunk size, and the requests in flight were promoted.
    assert.ok(afterPause >= kept && afterPause <= 2 * kept, `under churn again ${afterPause} MB`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('the growth factor doubles the new space up to the kept size and stops there', () => {
  assert.equal(growthFactorFor(1024 * 1024), 2)
  assert.equal(growthFactorFor(KEPT_NEW_SPACE_BYTES / 2), 2)
  assert.equal(growthFactorFor(KEPT_NEW_SPACE_BYTES), 1)
  assert.equal(growthFactorFor(4 * KEPT_NEW_SPACE_BYTES), 1)
})
