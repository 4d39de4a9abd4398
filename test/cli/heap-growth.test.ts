// serve's heap bound (src/cli/heap-growth.ts): set at run time, it holds the old generation near
// what the last full collection kept, in the process that sets it; an operator's own flag stands.

import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { test } from 'node:test'
import { boundHeapGrowth, boundYoungGenerations } from '../../src/cli/heap-growth.js'

const MODULE = new URL('../../src/cli/heap-growth.ts', import.meta.url).href

/**
 * The largest old space (MB) of a fresh process that keeps ~60 MB alive and churns objects that
 * live long enough to be promoted: V8's own growth takes it to ~470 MB, the bound to ~180 MB.
 */
function maxOldSpaceMb(bound: boolean): number {
  const script = `
    import { getHeapSpaceStatistics } from 'node:v8'
    const { boundHeapGrowth } = await import(${JSON.stringify(MODULE)})
    if (${bound}) boundHeapGrowth([], '')
    const live = []
    for (let i = 0; i < 600_000; i++) live.push({ i, text: 'live ' + i, pair: [i, i + 1] })
    const ring = new Array(200_000)
    let max = 0
    for (let round = 0; round < 5_000_000; round++) {
      ring[round % ring.length] = { round, text: 'churn ' + round, one: [round] }
      if (round % 10_000 === 0) max = Math.max(max, getHeapSpaceStatistics().find((space) => space.space_name === 'old_space').space_size)
    }
    console.log(live.length > 0 ? max / 1048576 : 0)`
  const output = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 })
  return Number(output.trim())
}

test('the bound keeps the old generation within half of what V8 alone lets it grow to', () => {
  const unbounded = maxOldSpaceMb(false)
  const bounded = maxOldSpaceMb(true)
  assert.ok(bounded < unbounded / 2, `bounded ${bounded.toFixed(0)} MB, unbounded ${unbounded.toFixed(0)} MB`)
})

test("an operator's heap flag, on the command line or in NODE_OPTIONS, stands", () => {
  assert.equal(boundHeapGrowth(['--max-old-space-size=512'], ''), false)
  assert.equal(boundHeapGrowth([], '--heap-growing-percent=80'), false)
  assert.equal(boundHeapGrowth(['--enable-source-maps'], '--max-heap-size=300 --trace-warnings'), false)
  assert.equal(boundHeapGrowth(['--heap_growing_percent=80'], ''), false)
  assert.equal(boundHeapGrowth([], '--max_old_space_size=512'), false)
})

test("an operator's young-generation flag, on the command line or in NODE_OPTIONS, stands", () => {
  assert.equal(boundYoungGenerations(['--max-semi-space-size=16'], ''), false)
  assert.equal(boundYoungGenerations([], '--min-semi-space-size=4'), false)
  assert.equal(boundYoungGenerations(['--semi_space_growth_factor=2'], ''), false)
  assert.equal(boundYoungGenerations(['--enable-source-maps'], '--max_semi_space_size=8 --trace-warnings'), false)
})
