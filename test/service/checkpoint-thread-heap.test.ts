// The checkpoint thread (src/service/checkpoint-thread.ts) and the writer thread
// (src/service/writer-thread.ts) run with a bounded young generation: V8's default would let each
// grow to 48 MB, held as RSS (docs/deploy.md, "Memory").

import assert from 'node:assert/strict'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import type { Worker } from 'node:worker_threads'
import BetterSqlite3 from 'better-sqlite3'
import { CHECKPOINT_YOUNG_GENERATION_MB, startCheckpointThread } from '../../src/service/checkpoint-thread.js'
import { openServiceContext } from '../../src/service/database.js'
import { startWriterWorker, WRITER_YOUNG_GENERATION_MB } from '../../src/service/writer-thread.js'

/** A thread's young generation as V8 reports it while the thread runs; the thread is stopped after. */
async function youngGenerationOf(thread: Worker, closeMessage: unknown): Promise<number | undefined> {
  try {
    await once(thread, 'online')
    return thread.resourceLimits?.maxYoungGenerationSizeMb
  } finally {
    thread.postMessage(closeMessage)
    await once(thread, 'exit')
  }
}

test("the checkpoint thread's young generation is bounded, as V8 reports it from the running thread", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fh-threads-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'thread.db')
  new BetterSqlite3(file).close()
  assert.equal(await youngGenerationOf(startCheckpointThread(file), 'close'), CHECKPOINT_YOUNG_GENERATION_MB)
  assert.ok(CHECKPOINT_YOUNG_GENERATION_MB <= 8)
})

test("the writer thread's young generation is bounded, as V8 reports it from the running thread", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'fh-threads-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'writer.db')
  await (await openServiceContext(file)).store.close()
  assert.equal(await youngGenerationOf(startWriterWorker(file), { type: 'close' }), WRITER_YOUNG_GENERATION_MB)
  assert.ok(WRITER_YOUNG_GENERATION_MB <= 16)
})
