// Checkpoints off the writer (src/service/checkpoint-thread.ts): a writer whose commits never
// checkpoint, on a real SQLite file, with the checkpoint thread copying the WAL back. Under a
// steady stream of commits the thread pauses between checkpoints while the WAL is short and runs
// them back to back once it is half its restart length; the WAL must stay bounded (the writer finishes a checkpoint itself when
// the thread reports a long WAL, and SQLite then reuses the file from its start), and every row
// must be in the database file once the WAL is gone.

import assert from 'node:assert/strict'
import { existsSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { setTimeout as sleep, setImmediate as turn } from 'node:timers/promises'
import BetterSqlite3 from 'better-sqlite3'
import { startCheckpointer, type Checkpointer } from '../../src/service/checkpoint-thread.js'
import { checkpointPassive, setCommitCheckpoints, type CheckpointResult } from '../../src/store/wal-checkpoints.js'

const COMMITS = 3_000
/** Small, so that the test reaches it many times: the default is 16,000 frames. */
const RESTART_FRAMES = 100
const FRAME_BYTES = 4096 + 24
/** Each commit writes a 6 KiB row: two overflow pages, its leaf and the root, ~4 frames. */
const ROW = 'x'.repeat(6 * 1024)
const ROWS_PAST_AUTOCHECKPOINT = 400

/** Commits, tells the thread, and waits until its checkpoint grew the database file (it is running then). */
async function threadCopied(file: string, checkpointer: Checkpointer, commit: () => void): Promise<void> {
  const sizeBefore = statSync(file).size
  commit()
  checkpointer.afterCommit()
  for (let i = 0; i < 500 && statSync(file).size === sizeBefore; i++) await sleep(10)
  assert.notEqual(statSync(file).size, sizeBefore, 'the checkpoint thread copied nothing in 5 s')
}

/**
 * The writer of these tests commits without syncing (NORMAL): commits come faster than the
 * thread's checkpoints, which sync twice, as the writer's batches do under load.
 */
function openWriter(file: string): BetterSqlite3.Database {
  const writer = new BetterSqlite3(file)
  writer.pragma('journal_mode = WAL')
  writer.pragma('synchronous = NORMAL')
  setCommitCheckpoints(writer, false)
  return writer
}

/** A new file with a table t on a writer (closed after the test, unless the test closed it), and its insert. */
async function freshTable(t: TestContext) {
  const dir = await mkdtemp(join(tmpdir(), 'firehouse-checkpoint-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'firehouse.db')
  const writer = openWriter(file)
  t.after(() => {
    if (writer.open) writer.close()
  })
  writer.exec('create table t (n integer primary key, payload text not null)')
  return { file, writer, insert: writer.prepare('insert into t (n, payload) values (?, ?)') }
}

test(`${COMMITS} commits that never checkpoint: the checkpoint thread keeps the WAL bounded and loses nothing`, async (t) => {
  const { file, writer, insert } = await freshTable(t)
  // The pause between checkpoints scaled down with the restart length: 50 ms of these commits are thousands of frames.
  const checkpointer = startCheckpointer(file, () => assert.fail('the checkpoint thread stopped'), { restartFrames: RESTART_FRAMES, spacingMs: 0 })
  await threadCopied(file, checkpointer, () => insert.run(0, ROW))

  let restarts = 0
  let largestWal = 0
  for (let n = 1; n <= COMMITS; n++) {
    if (checkpointer.restartDue()) {
      checkpointPassive(writer)
      checkpointer.restarted()
      restarts++
    }
    insert.run(n, ROW)
    checkpointer.afterCommit()
    largestWal = Math.max(largestWal, statSync(`${file}-wal`).size)
    // The thread's reports arrive between commits, as between the writer's batches; a commit
    // happens during nearly every checkpoint, as under load.
    await turn()
  }
  await checkpointer.close()
  t.diagnostic(`largest WAL ${largestWal} bytes (${Math.round(largestWal / FRAME_BYTES)} frames), ${restarts} restarts by the writer`)

  // Without the writer's restarts a busy writer keeps the WAL growing: ~12,000 frames here. With
  // them it grows past the threshold only by what is committed while the thread's last
  // checkpoint runs (930–2,250 frames in runs on a 2-core machine).
  assert.ok(largestWal <= 50 * RESTART_FRAMES * FRAME_BYTES, `the WAL grew to ${largestWal} bytes`)
  writer.close()
  assert.equal(existsSync(`${file}-wal`), false, 'closing the last connection checkpoints and removes the WAL')
  const reader = new BetterSqlite3(file, { readonly: true })
  t.after(() => reader.close())
  assert.deepEqual(reader.prepare('select count(*) as rows, sum(length(payload)) as bytes from t').get(), {
    rows: COMMITS + 1,
    bytes: (COMMITS + 1) * ROW.length,
  })
})

test('the checkpoint thread alone copies the WAL into the database file while the writer only commits', async (t) => {
  const { file, writer, insert } = await freshTable(t)
  const sizeBefore = statSync(file).size
  const checkpointer = startCheckpointer(file, () => assert.fail('the checkpoint thread stopped'))
  await threadCopied(file, checkpointer, () => {
    // ~1,600 frames: past SQLite's 1,000, where a commit would checkpoint by default.
    for (let n = 1; n <= ROWS_PAST_AUTOCHECKPOINT; n++) insert.run(n, ROW)
    // Nothing reached the database file yet: commits do not checkpoint.
    assert.equal(statSync(file).size, sizeBefore)
  })
  await checkpointer.close()
  assert.ok(statSync(file).size >= sizeBefore + ROWS_PAST_AUTOCHECKPOINT * ROW.length, `the database file is ${statSync(file).size} bytes`)
})

test('under a steady stream of commits the thread pauses between checkpoints: at most one per pause', async (t) => {
  const { file, writer, insert } = await freshTable(t)
  const spacingMs = 200
  let checkpoints = 0
  const checkpointer = startCheckpointer(file, () => assert.fail('the checkpoint thread stopped'), {
    spacingMs,
    onCheckpoint: () => checkpoints++,
  })
  const started = performance.now()
  let n = 0
  while (performance.now() - started < 1_200) {
    insert.run(++n, 'small')
    checkpointer.afterCommit()
    // ~1,000 commits of one frame a second: the WAL stays short of half its 16,000-frame restart length.
    await sleep(1)
  }
  const elapsed = performance.now() - started
  await checkpointer.close()
  t.diagnostic(`${n} commits in ${Math.round(elapsed)} ms, ${checkpoints} checkpoints`)
  // Back to back, a checkpoint of a few frames takes a few ms: hundreds in this time.
  assert.ok(checkpoints >= 2, `${checkpoints} checkpoints`)
  assert.ok(checkpoints <= Math.ceil(elapsed / spacingMs) + 1, `${checkpoints} checkpoints in ${Math.round(elapsed)} ms with a pause of ${spacingMs} ms`)
})

test('past half its restart length the thread checkpoints back to back, so the writer soon restarts the WAL', async (t) => {
  const { file, writer, insert } = await freshTable(t)
  // A pause far longer than the test: only checkpoints back to back can bring the restart.
  const reports: CheckpointResult[] = []
  const checkpointer = startCheckpointer(file, () => assert.fail('the checkpoint thread stopped'), {
    restartFrames: RESTART_FRAMES,
    spacingMs: 60_000,
    onCheckpoint: (result) => reports.push(result),
  })
  t.after(() => checkpointer.close())
  // ~60 frames at the thread's first report: past half of RESTART_FRAMES, short of all of it.
  let n = 0
  while (n < 15) insert.run(++n, ROW)
  // A reader of those frames: otherwise the first checkpoint copies them all and the next commit
  // starts the WAL again from its first frame, short again.
  const reader = new BetterSqlite3(file, { readonly: true })
  t.after(() => reader.close())
  reader.exec('begin')
  reader.prepare('select count(*) from t').get()
  checkpointer.afterCommit()
  for (let i = 0; i < 500 && reports.length === 0; i++) await sleep(10)
  const first = reports[0]?.logFrames ?? 0
  assert.ok(first >= RESTART_FRAMES / 2 && first < RESTART_FRAMES, `the first checkpoint saw ${first} frames`)
  const started = performance.now()
  while (!checkpointer.restartDue() && performance.now() - started < 10_000) {
    // Two commits a turn: the second while the checkpoint the first started runs, as under load.
    insert.run(++n, 'small')
    checkpointer.afterCommit()
    insert.run(++n, 'small')
    checkpointer.afterCommit()
    await sleep(1)
  }
  assert.ok(checkpointer.restartDue(), `no restart due after ${n} commits in ${Math.round(performance.now() - started)} ms`)
})
