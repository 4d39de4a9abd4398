// The checkpoint thread (src/service/checkpoint-thread.ts) and the writer thread
// (src/service/writer-thread.ts) run with a bounded young generation: V8's default would let each
// grow to 48 MB, held as RSS (docs/deploy.md, "Memory").

import assert from 'node:assert/strict'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { CHECKPOINT_YOUNG_GENERATION_MB, startCheckpointThread } from '../../src/service/checkpoint-thread.js'
import { openServiceContext } from '../../src/service/database.js'
import { startWriterWorker, WRITER_YOUNG_GENERATION_MB } from '../../src/service/writer-thread.js'

test("the checkpoint thread's young generation is bounded, as V8 reports it from the running thread", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fh-threads-'))
  const file = join(dir, 'thread.db')
  new BetterSqlite3(file).close()
  const thread = startCheckpointThread(file)
  try {
    await once(thread, 'online')
    assert.equal(thread.resourceLimits?.maxYoungGenerationSizeMb, CHECKPOINT_YOUNG_GENERATION_MB)
    assert.ok(CHECKPOINT_YOUNG_GENERATION_MB <= 8)
  } finally {
    thread.postMessage('close')
    await once(thread, 'exit')
    await rm(dir, { recursive: true, force: true })
  }
})

test("the writer thread's young generation is bounded, as V8 reports it from the running thread", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'fh-threads-'))
  const file = join(dir, 'writer.db')
  await (await openServiceContext(file)).store.close()
  const thread = startWriterWorker(file)
  try {
    await once(thread, 'online')
    assert.equal(thread.resourceLimits?.maxYoungGenerationSizeMb, WRITER_YOUNG_GENERATION_MB)
    assert.ok(WRITER_YOUNG_GENERATION_MB <= 16)
  } finally {
    thread.postMessage({ type: 'close' })
    await once(thread, 'exit')
    await rm(dir, { recursive: true, force: true })
  }
})
