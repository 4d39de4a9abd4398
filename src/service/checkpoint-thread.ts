// Checkpoints off the writer thread (issue 17; store/wal-checkpoints.ts says why). The writer
// thread tells this thread after each commit; the thread copies the WAL into the database file
// (PASSIVE: it takes no lock a writer needs), one checkpoint at a time, the next one a short gap
// after the last ended if commits happened meanwhile.
//
// A PASSIVE checkpoint never waits for the writer, so under a steady stream of commits it never
// catches up with the last frame, and SQLite reuses the WAL from its start only once one did: the
// WAL would grow without end. When it holds more than RESTART_WAL_FRAMES, this thread stops and the
// writer thread runs one checkpoint itself before its next batch (restartDue): it copies only what
// was committed since this thread's last one, and its next commit starts the WAL again from the
// beginning (unless a reader still reads the WAL's end; then the next report asks again).

import type { CheckpointResult } from '../store/wal-checkpoints.js'
import { startThread } from './threads.js'

/** What the writer thread sends: a commit happened, or stop. */
export type CheckpointRequest = 'checkpoint' | 'close'

/** 16,000 pages of 4 KiB (~64 MiB): about 1.5 s of updates at full load, a few ms to finish off. */
const RESTART_WAL_FRAMES = 16_000
/**
 * Under a steady stream of commits, a checkpoint starts this long after the last one ended: a page
 * written many times meanwhile is copied once. At full load it cut the thread's CPU per update from
 * ~12 µs to ~5 µs (docs/decisions.md); the WAL grows by ~5,000 frames meanwhile.
 */
const CHECKPOINT_GAP_MS = 100

export interface Checkpointer {
  /** A commit happened: a checkpoint starts now, or after the one running. */
  afterCommit(): void
  /** The WAL is long and no checkpoint runs: the writer should finish one itself before its next batch. */
  restartDue(): boolean
  /** The writer finished one: the WAL starts again at its next commit. */
  restarted(): void
  close(): Promise<void>
}

/**
 * Starts the checkpoint thread for the SQLite file. `onStopped` is called if it ends on its own
 * (an error): then the writer's commits must checkpoint again. The options are for tests.
 */
export function startCheckpointer(
  file: string,
  onStopped: () => void,
  { restartFrames = RESTART_WAL_FRAMES, gapMs = CHECKPOINT_GAP_MS } = {},
): Checkpointer {
  const thread = startThread('checkpoint-thread-body', { file })
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
    if (!again || !mayCheckpoint()) {
      running = false
      return
    }
    again = false
    // Still "running" during the gap: the commits meanwhile join the next checkpoint.
    setTimeout(() => (mayCheckpoint() ? request() : (running = false)), gapMs).unref()
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
