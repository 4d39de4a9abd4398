// The writer thread's hot batches commit without syncing the WAL (synchronous=NORMAL for their
// transaction) and are answered only once a sync of the WAL file that started after their commit
// has ended (issue 17). The sync runs on libuv's thread pool, so the writer thread writes the next
// batch meanwhile instead of waiting ~1.3 ms in every COMMIT; one sync covers every batch that
// committed before it started. What is answered is on disk, as with a sync inside COMMIT: a batch
// whose sync has not ended yet has answered nobody, and SQLite's WAL recovery drops a transaction
// whose frames did not all reach the disk (docs/decisions.md, "The WAL synced beside the writer").

import { close, fdatasync, openSync } from 'node:fs'

/** Runs a sync of an open file and reports its end: node:fs's fdatasync, or a test's stand-in. */
export type SyncFile = (fd: number, done: (error: Error | null) => void) => void

export interface WalSync {
  /** Calls `synced` once a sync of the WAL that started after this call has ended, with its error if it failed. */
  afterNextSync(synced: (error: Error | null) => void): void
  /** Closes the WAL's descriptor once no sync is under way or waited for. */
  close(): void
}

/** The WAL of the SQLite file `databaseFile`, synced on demand; the file is opened at the first sync. */
export function createWalSync(databaseFile: string, syncFile: SyncFile = fdatasync): WalSync {
  let fd: number | undefined
  let syncing = false
  let closing = false
  // Those waiting for the next sync to start, and those waiting for the one under way.
  let waiting: ((error: Error | null) => void)[] = []

  const start = (): void => {
    const covered = waiting
    waiting = []
    syncing = true
    try {
      // The WAL exists once a transaction committed to it, as every waiter's has; a sync of any
      // descriptor of a file writes what any connection wrote to it.
      fd ??= openSync(`${databaseFile}-wal`, 'r')
    } catch (error) {
      syncing = false
      for (const synced of covered) synced(error as Error)
      return
    }
    syncFile(fd, (error) => {
      syncing = false
      for (const synced of covered) synced(error)
      if (waiting.length > 0) start()
      else if (closing) closeFile()
    })
  }
  const closeFile = (): void => {
    if (fd === undefined) return
    close(fd, () => undefined)
    fd = undefined
  }

  return {
    afterNextSync(synced) {
      waiting.push(synced)
      if (!syncing) start()
    },
    close() {
      closing = true
      if (!syncing && waiting.length === 0) closeFile()
    },
  }
}
