// `firehouse serve` bounds its young generation before its modules load (src/cli/bin.ts,
// src/service/young-generation.ts), and an operator's own young-generation flag stands. Read from
// the process's /metrics (Node's heap spaces), after requests that allocate.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { KEPT_NEW_SPACE_BYTES } from '../../src/service/young-generation.js'
import { spawnServer } from '../helpers/process.js'

/**
 * The request thread's new space (MB) after 300 answers of /metrics, which build long texts (and,
 * with `pause`, after 12 s without requests and 2,000 answers more). V8's
 * own growth takes it to 32 MB; serve keeps it at 8 MB, which may still double once while a
 * thread starts (until the thread runs and the factor is set again).
 */
async function newSpaceMbOfServe(dir: string, name: string, env: Record<string, string>, { pause = false } = {}): Promise<number> {
  const server = await spawnServer(join(dir, `${name}.db`), { env })
  try {
    const load = async (answers: number): Promise<number> => {
      for (let i = 0; i < answers; i++) await (await fetch(`${server.url}/metrics`)).text()
      const metrics = await (await fetch(`${server.url}/metrics`)).text()
      const line = /^nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)$/m.exec(metrics)
      assert.ok(line, 'no new-space gauge in /metrics')
      return Number(line[1]) / 1048576
    }
    const first = await load(300)
    if (!pause) return first
    // V8's memory reducer shrinks an idle heap's new space 8 s after its last collection.
    await sleep(12_000)
    // Growing back takes a new space's worth of survivors per doubling (2 → 4 → 8 MB).
    return await load(2_000)
  } finally {
    await server.stop()
  }
}

test("serve keeps the request thread's new space small; an operator's semi-space size stands", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fh-serve-young-'))
  try {
    const bounded = await newSpaceMbOfServe(dir, 'bounded', {}, { pause: true })
    const operators = await newSpaceMbOfServe(dir, 'operator', { NODE_OPTIONS: '--max-semi-space-size=16' })
    t.diagnostic(`new space: serve ${bounded.toFixed(1)} MB, with the operator's flag ${operators.toFixed(1)} MB`)
    assert.ok(bounded <= 16, `serve's new space ${bounded.toFixed(1)} MB`)
    // Grown back to the kept size after the pause (young-generation.ts), not left where V8 shrank it.
    assert.ok(bounded >= KEPT_NEW_SPACE_BYTES / 1048576, `serve's new space ${bounded.toFixed(1)} MB`)
    assert.ok(operators >= 2 * bounded, `with the operator's flag ${operators.toFixed(1)} MB against ${bounded.toFixed(1)} MB`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
