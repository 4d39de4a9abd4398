// SQLite's WAL checkpoints, moved off the writer's commits (issue 17). By default SQLite copies the
// WAL back into the database file inside the COMMIT that grows the WAL past 1,000 pages, and
// fsyncs the database file there: under load that was ~65 µs of every update's ~120 µs on the
// writer thread (docs/decisions.md, "Checkpoints off the writer thread"). A process with a writer
// thread turns that off on its connections and lets a thread of its own checkpoint
// (checkpoint-thread.ts).

import BetterSqlite3 from 'better-sqlite3'
import { SQLITE_BUSY_TIMEOUT_MS } from './sqlite-busy-timeout.js'

/** What a checkpoint saw: WAL frames in the log, and how many of them are now in the database file. */
export interface CheckpointResult {
  /** Another connection held a lock the checkpoint needed; it copied what it could. */
  busy: boolean
  logFrames: number
  checkpointedFrames: number
}

/** SQLite's own threshold, restored when no other thread checkpoints. */
const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1_000

/** Commits on this connection no longer checkpoint (another thread does), or do again. */
export function setCommitCheckpoints(database: BetterSqlite3.Database, enabled: boolean): void {
  database.pragma(`wal_autocheckpoint = ${enabled ? SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES : 0}`)
}

/**
 * Copies every committed frame it can into the database file without waiting for any lock
 * (PASSIVE): writers and readers go on meanwhile. With synchronous=FULL it syncs the WAL before
 * and the database file after, so a frame it copied is on disk twice before the WAL may be reused.
 */
export function checkpointPassive(database: BetterSqlite3.Database): CheckpointResult {
  const [row] = database.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[]
  return { busy: row!.busy !== 0, logFrames: row!.log, checkpointedFrames: row!.checkpointed }
}

/** The checkpoint thread's own connection: never a writer, so nothing it does waits for the hot path. */
export function openCheckpointConnection(file: string): BetterSqlite3.Database {
  const database = new BetterSqlite3(file, { timeout: SQLITE_BUSY_TIMEOUT_MS, fileMustExist: true })
  database.pragma('synchronous = full')
  setCommitCheckpoints(database, false)
  return database
}
