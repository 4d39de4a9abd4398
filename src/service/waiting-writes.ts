// Yielding between the slices of a long write (an import's) so that the writes queued behind it
// go first.

import { setImmediate as nextImmediate } from 'node:timers/promises'

/**
 * Lets the writes that arrived meanwhile go before the caller's next slice. A job that arrived
 * during the last slice is read in the next turn's poll phase, and the writer thread queues its
 * batch with setImmediate (writer-thread-body.ts), behind the caller's own immediate: with one hop
 * the next slice would run first, and a v4.1 change would wait for two slices of an import
 * instead of one. The second hop puts the caller behind that batch.
 */
export async function letWaitingWritesGo(): Promise<void> {
  await nextImmediate()
  await nextImmediate()
}
