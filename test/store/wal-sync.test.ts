// The WAL synced beside the writer (src/store/wal-sync.ts): a batch is answered only after a sync
// that started after its commit. The order is proved with the file system's sync held by the test
// (the one seam: node:fs's fdatasync, which says nothing about when it ran); a real SQLite WAL
// proves the file is found and synced.

import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { openServiceContext } from '../../src/service/database.js'
import { prepareHotStatements } from '../../src/store/sqlite-hot-statements.js'
import { createWalSync, type SyncFile } from '../../src/store/wal-sync.js'

/** A real WAL-mode database with one committed row, so its -wal file exists. */
async function walDatabase(t: { after: (fn: () => unknown) => void }): Promise<{ file: string; database: BetterSqlite3.Database }> {
  const dir = await mkdtemp(join(tmpdir(), 'firehouse-wal-sync-'))
  const file = join(dir, 'wal.db')
  const database = new BetterSqlite3(file)
  database.pragma('journal_mode = WAL')
  database.exec('create table t (a)')
  database.prepare('insert into t values (1)').run()
  t.after(async () => {
    database.close()
    await rm(dir, { recursive: true, force: true })
  })
  return { file, database }
}

/** The sync the test holds: each call waits until the test ends it. */
function heldSyncs(): { syncFile: SyncFile; started: number; end(error?: Error): void } {
  const running: ((error: Error | null) => void)[] = []
  const held = {
    started: 0,
    syncFile: ((_fd, done) => {
      held.started++
      running.push(done)
    }) as SyncFile,
    end(error?: Error) {
      const done = running.shift()
      assert.ok(done, 'no sync is under way')
      done(error ?? null)
    },
  }
  return held
}

test('a batch that commits while a sync is under way waits for the next sync, which starts when that one ends', async (t) => {
  const { file } = await walDatabase(t)
  const syncs = heldSyncs()
  const walSync = createWalSync(file, syncs.syncFile)
  const answered: string[] = []
  walSync.afterNextSync(() => answered.push('first'))
  assert.equal(syncs.started, 1, 'the first batch starts a sync at once')
  walSync.afterNextSync(() => answered.push('second'))
  walSync.afterNextSync(() => answered.push('third'))
  assert.equal(syncs.started, 1, 'one sync at a time')
  syncs.end()
  assert.deepEqual(answered, ['first'], 'the sync that ended started before the second and third committed')
  assert.equal(syncs.started, 2, 'the next sync starts as soon as the last ended')
  syncs.end()
  assert.deepEqual(answered, ['first', 'second', 'third'], 'one sync covers every batch that waited for it')
  walSync.close()
})

test('a failed sync reaches every batch it covered, and only those', async (t) => {
  const { file } = await walDatabase(t)
  const syncs = heldSyncs()
  const walSync = createWalSync(file, syncs.syncFile)
  const outcomes: (string | null)[] = []
  walSync.afterNextSync((error) => outcomes.push(error?.message ?? null))
  walSync.afterNextSync((error) => outcomes.push(error?.message ?? null))
  syncs.end(new Error('EIO'))
  assert.deepEqual(outcomes, ['EIO'], 'the first batch hears of the failure')
  syncs.end()
  assert.deepEqual(outcomes, ['EIO', null])
  walSync.close()
})

test('without a WAL file the batches waiting hear the error, and nothing throws', async (t) => {
  const { file } = await walDatabase(t)
  const walSync = createWalSync(`${file}-never-opened`)
  const error = await new Promise<Error | null>((resolve) => walSync.afterNextSync(resolve))
  assert.match(String(error?.message), /ENOENT/)
})

test("the real sync of a real database's WAL ends and answers", async (t) => {
  const { file } = await walDatabase(t)
  const walSync = createWalSync(file)
  const errors = await Promise.all([1, 2, 3].map(() => new Promise<Error | null>((resolve) => walSync.afterNextSync(resolve))))
  assert.deepEqual(errors, [null, null, null])
  walSync.close()
})

test('a hot batch commits without a sync of its own, and the connection syncs in its commits again after it, ended either way', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'firehouse-wal-sync-'))
  const ctx = await openServiceContext(join(dir, 'firehouse.db'))
  t.after(async () => {
    await ctx.store.close()
    await rm(dir, { recursive: true, force: true })
  })
  const database = ctx.store.dialect.sqlite!
  const statements = prepareHotStatements(database)
  const synchronous = () => database.pragma('synchronous', { simple: true })
  assert.equal(synchronous(), 2, 'FULL to begin with')
  statements.begin()
  assert.equal(synchronous(), 1, 'NORMAL inside the batch')
  statements.commit()
  assert.equal(synchronous(), 2, 'FULL after a commit')
  statements.begin()
  statements.rollback()
  assert.equal(synchronous(), 2, 'FULL after a rollback')
  // A batch that cannot begin (another connection holds the write lock) leaves FULL too.
  const other = new BetterSqlite3(database.name, { timeout: 0 })
  t.after(() => other.close())
  other.exec('begin immediate')
  const patience = database.pragma('busy_timeout', { simple: true })
  database.pragma('busy_timeout = 0')
  assert.throws(() => statements.begin(), /locked|busy/i)
  database.pragma(`busy_timeout = ${String(patience)}`)
  assert.equal(synchronous(), 2, 'FULL after a failed begin')
  other.exec('rollback')
})
