// Checkpoints off the writer thread (issue 17; store/wal-checkpoints.ts says why). The writer
// thread tells this thread after each commit; the thread copies the WAL into the database file
// (PASSIVE: it takes no lock a writer needs), one checkpoint at a time: the first commit after a
// quiet spell starts one at once; under a steady stream of commits the thread waits SPACING_MS
// between the end of one checkpoint and the start of the next. Each checkpoint syncs the WAL and
// the database file, and copies each page that changed since the last one once, however often it
// changed (B-tree roots, the last leaf of an appended table or index): back to back, the thread
// spent ~20 µs of CPU per update, most of it in the kernel; spaced by 50 ms, ~12.5 µs, by 250 ms
// 3–4 µs once the WAL pages per update had fallen too (docs/decisions.md, "Checkpoints spaced out").
//
// A PASSIVE checkpoint never waits for the writer, so under a steady stream of commits it never
// catches up with the last frame, and SQLite reuses the WAL from its start only once one did: the
// WAL would grow without end. When it holds more than RESTART_WAL_FRAMES, this thread stops and the
// writer thread runs one checkpoint itself before its next batch (restartDue): it copies only what
// was committed since this thread's last one, and its next commit starts the WAL again from the
// beginning (unless a reader still reads the WAL's end; then the next report asks again).
// That checkpoint holds up the writer's batches while it runs, so once the WAL is half that long
// the thread runs its checkpoints back to back again: the writer then copies only what was
// committed during the thread's last one (3–6 ms under full load; 17–42 ms after a spaced wait).

import type { Worker } from 'node:worker_threads'
import type { CheckpointResult } from '../store/wal-checkpoints.js'
import { startThread } from './threads.js'

/** What the writer thread sends: a commit happened, or stop. */
export type CheckpointRequest = 'checkpoint' | 'close'

/** 16,000 pages of 4 KiB (~64 MiB): under a second of updates at full load, a few ms to finish off. */
const RESTART_WAL_FRAMES = 16_000

/**
 * The pause between two checkpoints while commits go on, while the WAL is short: ~4 per second at
 * most. The longer the pause, the more often a page changed meanwhile (B-tree roots and inner
 * pages, the tails of the history and the change log, the leaves two changes share) is copied once
 * for all its changes: 250 ms against 50 ms cost ~4 % less CPU per update over all threads
 * (docs/decisions.md, "Checkpoints spaced out"). Past half the restart length the thread runs back
 * to back whatever this says, so the writer's restart still has little to copy.
 */
const SPACING_MS = 250

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

/** What tests may set: the WAL's length at which the writer restarts it, the pause, and a report of each checkpoint. */
export interface CheckpointerOptions {
  restartFrames?: number
  spacingMs?: number
  onCheckpoint?: (result: CheckpointResult) => void
}

/**
 * Starts the checkpoint thread for the SQLite file. `onStopped` is called if it ends on its own
 * (an error): then the writer's commits must checkpoint again.
 */
export function startCheckpointer(
  file: string,
  onStopped: () => void,
  { restartFrames = RESTART_WAL_FRAMES, spacingMs = SPACING_MS, onCheckpoint }: CheckpointerOptions = {},
): Checkpointer {
  const thread = startCheckpointThread(file)
  // From a request until the thread is free for the writer: the checkpoint, and the pause after it.
  let running = false
  let again = false
  let logFrames = 0
  let closing = false
  let pause: NodeJS.Timeout | undefined

  const request = (): void => {
    running = true
    thread.postMessage('checkpoint' satisfies CheckpointRequest)
  }
  // A long WAL is the writer's to finish (restartDue): this thread lets go of it meanwhile.
  const mayCheckpoint = (): boolean => !closing && logFrames < restartFrames
  const next = (): void => {
    pause = undefined
    if (mayCheckpoint()) request()
    else running = false
  }
  thread.on('message', (result: CheckpointResult) => {
    logFrames = result.logFrames
    onCheckpoint?.(result)
    if (again && mayCheckpoint()) {
      again = false
      // Past half the restart length, back to back: the writer's restart then has little to copy.
      if (logFrames < restartFrames / 2) pause = setTimeout(next, spacingMs)
      else request()
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
      clearTimeout(pause)
      thread.postMessage('close' satisfies CheckpointRequest)
      await exited
    },
  }
}
