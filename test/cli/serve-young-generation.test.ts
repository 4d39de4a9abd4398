// `firehouse serve` bounds its young generation before its modules load (src/cli/bin.ts,
// src/service/young-generation.ts), and an operator's own young-generation flag stands. Read from
// the process's /metrics (Node's heap spaces), after requests that allocate.

import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { spawnServer } from '../helpers/process.js'

/**
 * The request thread's new space (MB) after 300 answers of /metrics, which build long texts. V8's
 * own growth takes it to 32 MB; serve keeps it at 8 MB, which may still double once while a
 * thread starts (until the thread runs and the factor is set again): 16 MB at most seen.
 */
async function newSpaceMbOfServe(dir: string, name: string, env: Record<string, string>): Promise<number> {
  const server = await spawnServer(join(dir, `${name}.db`), { env })
  try {
    for (let i = 0; i < 300; i++) await (await fetch(`${server.url}/metrics`)).text()
    const metrics = await (await fetch(`${server.url}/metrics`)).text()
    const line = /^nodejs_heap_space_size_total_bytes\{space="new"\} (\d+)$/m.exec(metrics)
    assert.ok(line, 'no new-space gauge in /metrics')
    return Number(line[1]) / 1048576
  } finally {
    await server.stop()
  }
}

test("serve keeps the request thread's new space small; an operator's semi-space size stands", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'fh-serve-young-'))
  try {
    const bounded = await newSpaceMbOfServe(dir, 'bounded', {})
    const operators = await newSpaceMbOfServe(dir, 'operator', { NODE_OPTIONS: '--max-semi-space-size=16' })
    t.diagnostic(`new space: serve ${bounded.toFixed(1)} MB, with the operator's flag ${operators.toFixed(1)} MB`)
    assert.ok(bounded <= 16, `serve's new space ${bounded.toFixed(1)} MB`)
    assert.ok(operators >= 2 * bounded, `with the operator's flag ${operators.toFixed(1)} MB against ${bounded.toFixed(1)} MB`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
