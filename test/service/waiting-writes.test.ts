// Between two slices of a long write, the writes that arrived during the first go before the
// second (src/service/waiting-writes.ts): the writer thread's batch is started by a message and
// queued with setImmediate, as here.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MessageChannel } from 'node:worker_threads'
import { letWaitingWritesGo } from '../../src/service/waiting-writes.js'

/** Keeps the thread busy, as a slice's statements do, while the message arrives. */
function busyFor(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // spinning on purpose
  }
}

test('a write whose message arrived during a slice runs before the next slice', async () => {
  const { port1, port2 } = new MessageChannel()
  const order: string[] = []
  port2.on('message', (job: string) => setImmediate(() => order.push(job)))
  try {
    for (let slice = 0; slice < 6; slice++) {
      order.push(`slice ${slice}`)
      if (slice === 1 || slice === 3) {
        port1.postMessage(`write during slice ${slice}`)
        busyFor(5)
      }
      await letWaitingWritesGo()
    }
  } finally {
    port1.close()
  }
  assert.deepEqual(order, [
    'slice 0',
    'slice 1',
    'write during slice 1',
    'slice 2',
    'slice 3',
    'write during slice 3',
    'slice 4',
    'slice 5',
  ])
})
