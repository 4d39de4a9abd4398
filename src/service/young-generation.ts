// serve's bound on the young generation (docs/deploy.md, "Memory"): every heap of the process
// keeps the new space it starts with instead of doubling it under load.
//
// V8 grows a heap's new space (where objects are born) up to 16 MB per semi-space, and under 100
// connections the request thread's grew to 33.6 MB. Bounded, serve's peak RSS over 20 s of load
// was 164–166 MiB against 211–216 MiB, at the same updates/s and p99; the request thread collects
// garbage more often (10.6 % of its time against 5.9 %). The growth factor is a V8 flag that V8
// reads whenever it grows a new space, so setting it at run time works, but it is process-wide
// and V8 puts it back to 2 whenever it sets up a thread's heap: each thread started after the
// bound re-applies it once the thread runs (threads.ts), and the setting travels to threads (and
// theirs) with their environment data.

import { setFlagsFromString } from 'node:v8'
import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads'

const BOUND = 'firehouse:young-generation-bound'

/** Keeps every heap of this process, and of the threads it starts from now on, at its first new-space size. */
export function boundYoungGeneration(): void {
  setEnvironmentData(BOUND, true)
  keepYoungGenerationBound()
}

/** Sets the bound again if this process has one; called once a new thread runs, since its start undid it. */
export function keepYoungGenerationBound(): void {
  if (getEnvironmentData(BOUND) === true) setFlagsFromString('--semi-space-growth-factor=1')
}
