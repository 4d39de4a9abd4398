// Checkpoints off the writer thread (issue 17; store/wal-checkpoints.ts says why). The writer
// thread tells this thread after each commit; the thread copies the WAL into the database file
// (PASSIVE: it takes no lock a writer needs), one checkpoint at a time, the next one as soon as
// the last ended if commits happened meanwhile.
//
// A PASSIVE checkpoint never waits for the writer, so under a steady stream of commits it never
// catches up with the last frame, and SQLite reuses the WAL from its start only once one did: the
// WAL would grow without end. When it holds more than RESTART_WAL_FRAMES, this thread stops and the
// writer thread runs one checkpoint itself before its next batch (restartDue): it copies only what
// was committed since this thread's last one, and its next commit starts the WAL again from the
// beginning (unless a reader still reads the WAL's end; then the next report asks again).

import type { Worker } from 'node:worker_threads'
import type { CheckpointResult } from '../store/wal-checkpoints.js'
import { startThread } from './threads.js'

/** What the writer thread sends: a commit happened, or stop. */
export type CheckpointRequest = 'checkpoint' | 'close'

/** 16,000 pages of 4 KiB (~64 MiB): about 1.5 s of updates at full load, a few ms to finish off. */
const RESTART_WAL_FRAMES = 16_000

/**
 * The checkpoint thread's young generation, in MB: it allocates a result per checkpoint and little
 * else, and V8's default would let it grow to 48 MB of RSS (docs/deploy.md, "Memory"). The writer
 * thread's is larger (WRITER_YOUNG_GENERATION_MB): it parses the rows of imports.
 */
export const CHECKPOINT_YOUNG_GENERATION_MB = 4

export interface Checkpointer {
  /** A commit happened: a checkpoint starts now, or after the one running. */
  afterCommit(): void
  /** The WAL is long and no checkpoint runs: the writer should finish one itself before its next batch. */
  restartDue(): boolean
  /** The writer finished one: the WAL starts again at its next commit. */
  restarted(): void
  close(): Promise<void>
}

/** The thread itself, on its own connection to the SQLite file (checkpoint-thread-body.ts). */
export function startCheckpointThread(file: string): Worker {
  return startThread('checkpoint-thread-body', { file }, { maxYoungGenerationSizeMb: CHECKPOINT_YOUNG_GENERATION_MB })
}

/**
 * Starts the checkpoint thread for the SQLite file. `onStopped` is called if it ends on its own
 * (an error): then the writer's commits must checkpoint again. `restartFrames` is for tests.
 */
export function startCheckpointer(file: string, onStopped: () => void, { restartFrames = RESTART_WAL_FRAMES } = {}): Checkpointer {
  const thread = startCheckpointThread(file)
  let running = false
  let again = false
  let logFrames = 0
  let closing = false

  const request = (): void => {
    running = true
    thread.postMessage('checkpoint' satisfies CheckpointRequest)
  }
  // A long WAL is the writer's to finish (restartDue): this thread lets go of it meanwhile.
  const mayCheckpoint = (): boolean => !closing && logFrames < restartFrames
  thread.on('message', (result: CheckpointResult) => {
    logFrames = result.logFrames
    if (again && mayCheckpoint()) {
      again = false
      request()
      return
    }
    running = false
  })
  thread.on('error', () => undefined)
  const exited = new Promise<void>((resolve) => thread.once('exit', () => resolve()))
  void exited.then(() => {
    if (!closing) onStopped()
  })

  return {
    afterCommit() {
      if (!mayCheckpoint()) return
      if (running) again = true
      else request()
    },
    restartDue: () => !running && logFrames >= restartFrames,
    restarted() {
      logFrames = 0
    },
    async close() {
      closing = true
      thread.postMessage('close' satisfies CheckpointRequest)
      await exited
    },
  }
}
