// TESTPLAN D5: every acknowledged update reaches the disk — strace counts the server's syncs of its WAL.

import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { openServiceContext } from '../../src/service/database.js'
import { spawnServer } from '../helpers/process.js'
import { createTestTenant, form, post } from '../helpers/server.js'

const UPDATES = 100
const BETTER_SQLITE3 = fileURLToPath(import.meta.resolve('better-sqlite3'))

function hasStrace(): boolean {
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

// .ci/run installs strace; a laptop without it skips, saying so.
const skip = hasStrace() ? false : 'strace is not installed (apt-get install strace)'

/**
 * Syncs of the WAL file of `database` in an strace log, but a checkpoint's. A checkpoint syncs the
 * WAL before it copies it, whether or not the write path did, and then the database file: a WAL
 * sync that its thread follows with a sync of the database file is left out. Counted, the audit
 * passed with the hot batches committed without a sync (mutation hot-batch-commits-unsynced):
 * the checkpoint after each batch synced the WAL as often.
 */
function walSyncs(log: string, database: string): number {
  // Per thread, a WAL sync not yet counted: the thread's next sync tells whose it was.
  const pending = new Set<string>()
  let count = 0
  for (const line of log.split('\n')) {
    const thread = /^(\d+)\s+f(?:data)?sync\(/.exec(line)?.[1]
    if (thread === undefined) continue
    const ofCheckpoint = line.includes(`${database}>`)
    if (pending.delete(thread) && !ofCheckpoint) count++
    if (line.includes(`${database}-wal>`)) pending.add(thread)
  }
  return count + pending.size
}

/** Traces fsync/fdatasync of `pid` and its threads into a file until the process exits or `stop` is called. */
function traceSyncs(args: string[], output: string) {
  const tracer = spawn('strace', ['-f', '-y', '-qq', '-e', 'trace=fsync,fdatasync', '-o', output, ...args], { stdio: 'ignore' })
  const exited = new Promise<void>((resolve) => tracer.once('exit', () => resolve()))
  return { stop: async () => (tracer.kill('SIGINT'), exited), exited }
}

test(`D5: ${UPDATES} sequential acknowledged updates cause at least ${UPDATES} syncs of the SQLite WAL`, { skip }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'firehouse-fsync-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const database = join(dir, 'firehouse.db')
  const ctx = await openServiceContext(database)
  const acme = await createTestTenant(ctx, { slug: 'acme', records: [7] })
  await ctx.store.close()
  const server = await spawnServer(database)
  t.after(() => server.stop('SIGKILL'))

  const log = join(dir, 'server.strace')
  const trace = traceSyncs(['-p', String(server.child.pid)], log)
  await sleep(1_000) // strace attaches to every thread before the first update
  for (let i = 0; i < UPDATES; i++) {
    const answer = await post(`${server.url}/v4.1/workflow.json`, form({ number_customergauge: 7, comment: `sync ${i}` }), { key: acme.key })
    assert.equal(answer.status, 200, await answer.text())
  }
  await trace.stop()
  const syncs = walSyncs(await readFile(log, 'utf8'), database)
  t.diagnostic(`${syncs} WAL syncs for ${UPDATES} acknowledged updates`)
  assert.ok(syncs >= UPDATES, `only ${syncs} WAL syncs for ${UPDATES} updates`)
})

test('D5 control: the count tells FULL from NORMAL (so the audit above can fail)', { skip }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'firehouse-fsync-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const script = join(dir, 'commits.cjs')
  // 100 one-row transactions, then exit without closing (closing would checkpoint, which syncs).
  await writeFile(
    script,
    `const Database = require(${JSON.stringify(BETTER_SQLITE3)})
const db = new Database(process.argv[2]); db.pragma('journal_mode = WAL'); db.pragma('synchronous = ' + process.argv[3])
db.exec('create table t (a)'); const insert = db.prepare('insert into t values (?)')
for (let i = 0; i < ${UPDATES}; i++) db.transaction(() => insert.run(i))()
process.exit(0)\n`,
  )
  const counts: Record<string, number> = {}
  for (const mode of ['FULL', 'NORMAL']) {
    const database = join(dir, `${mode}.db`)
    const log = join(dir, `${mode}.strace`)
    await traceSyncs([process.execPath, script, database, mode], log).exited
    counts[mode] = walSyncs(await readFile(log, 'utf8'), database)
  }
  t.diagnostic(`WAL syncs for ${UPDATES} commits: FULL ${counts.FULL}, NORMAL ${counts.NORMAL}`)
  assert.ok(counts.FULL! >= UPDATES)
  assert.ok(counts.NORMAL! < 5)
})
