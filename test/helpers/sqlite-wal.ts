// Counts the transactions committed to an SQLite database from outside its connection: each commit
// ends with one commit frame in the write-ahead log (and, with synchronous=FULL, one fsync of it).

import { readFileSync, statSync } from 'node:fs'
import assert from 'node:assert/strict'
import BetterSqlite3 from 'better-sqlite3'

const WAL_HEADER_BYTES = 32
const FRAME_HEADER_BYTES = 24
const WAL_MAGIC = [0x377f0682, 0x377f0683]

/**
 * Checkpoints the whole log into the database file and truncates it to zero bytes, from a
 * connection of the test's own: the commits counted next are those made after this call. The
 * server's connection must be idle (no transaction open), or the checkpoint reports busy.
 */
export function emptyWal(file: string): void {
  const side = new BetterSqlite3(file)
  try {
    const [result] = side.pragma('wal_checkpoint(TRUNCATE)') as Array<{ busy: number }>
    assert.equal(result?.busy, 0, 'the checkpoint found the database busy')
  } finally {
    side.close()
  }
  assert.equal(statSync(`${file}-wal`).size, 0, 'the write-ahead log was not truncated')
}

/**
 * The number of commits in the write-ahead log since it was last emptied: the frames of the current
 * log (their salts are the header's) whose "database size after commit" field is set.
 */
export function countWalCommits(file: string): number {
  const wal = readFileSync(`${file}-wal`)
  if (wal.length === 0) return 0
  assert.ok(WAL_MAGIC.includes(wal.readUInt32BE(0)), 'not a write-ahead log')
  const pageSize = wal.readUInt32BE(8)
  const salts = wal.subarray(16, 24)
  let commits = 0
  for (let at = WAL_HEADER_BYTES; at + FRAME_HEADER_BYTES + pageSize <= wal.length; at += FRAME_HEADER_BYTES + pageSize) {
    if (!wal.subarray(at + 8, at + 16).equals(salts)) break
    if (wal.readUInt32BE(at + 4) !== 0) commits++
  }
  return commits
}
