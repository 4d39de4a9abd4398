// serve's young generation (docs/deploy.md, "Memory"): the request thread's new space (where
// objects are born) is kept at one size, KEPT_NEW_SPACE_BYTES, instead of V8's own sizing.
//
// V8 grows a heap's new space up to 16 MB per semi-space, and under 100 connections the request
// thread's grew to 33.6 MB, taking serve's RSS over 200 MiB. It also shrinks it to its first size
// whenever a collection finds little allocation (the server idle for a moment): from 2026-12-07
// to the twelfth session a bound that only stopped the growth (V8's growth factor at 1) kept it
// there after the first pause, at 1 MB per semi-space, and under load the request thread then
// promoted most requests in flight to the old generation: 230 scavenges and 2–3 full collections
// a second against 55 and one every 3 s before the pause, and fewer updates/s in every round
// that followed one (BENCHMARKS.md, "Twelfth session").
// The growth factor is a V8 flag that V8 reads whenever it grows a new space, so setting it at
// run time works, but it is process-wide and V8 puts it back to 2 whenever it sets up a thread's
// heap: after every collection of the request thread (a `gc` performance observer, told between
// two collections under load) it is set again, to 2 (V8's doubling) while its new space is below
// the kept size, or to 1 (no growth) once it is there. The other threads' heaps follow the same
// factor within their resourceLimits: the writer thread's shrinks after a pause as well and grows
// back only while the request thread's is below the kept size (a keeper of its own on the same
// process-wide flag took the request thread's to V8's maximum); it allocates little, and ~45
// scavenges a second of 1 MB cost it no full collections (BENCHMARKS.md, "Twelfth session").

import { PerformanceObserver } from 'node:perf_hooks'
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { getEnvironmentData, setEnvironmentData } from 'node:worker_threads'

const BOUND = 'firehouse:young-generation-bound'

/**
 * The request thread's new space (both semi-spaces), as V8 reports it: 4 MB per semi-space, the
 * size it reached in the first seconds of load under the former bound, when serve's peak RSS was
 * measured at 164–166 MiB.
 */
export const KEPT_NEW_SPACE_BYTES = 8 * 1024 * 1024

/** The factor last set: 1 until the new space is seen below the kept size. */
let growthFactor = 1

/**
 * Bounds the young generations of this process and of the threads it starts: no growth from now
 * on (the modules about to load would grow the new space to V8's maximum), until
 * keepNewSpaceWhileServing.
 */
export function boundYoungGeneration(): void {
  setEnvironmentData(BOUND, true)
  keepYoungGenerationBound()
}

/**
 * Lets the request thread's new space grow to KEPT_NEW_SPACE_BYTES, and back to it after a pause,
 * if the process bounds its young generations; once serve listens. The observer is told of a
 * collection only at the event loop's next turn: while serve starts (its migrations, its threads),
 * one turn held enough collections for V8 to grow the space from 2 to 32 MB; a request's turn does
 * not. A timer was too slow as well (2 → 32 MB within 250 ms of allocation).
 */
export function keepNewSpaceWhileServing(): void {
  if (getEnvironmentData(BOUND) !== true) return
  new PerformanceObserver(keepNewSpace).observe({ entryTypes: ['gc'] })
}

/** Sets the growth factor again if this process keeps its young generation; called once a new thread runs, since its start undid it. */
export function keepYoungGenerationBound(): void {
  if (getEnvironmentData(BOUND) === true) setFlagsFromString(`--semi-space-growth-factor=${growthFactor}`)
}

/**
 * V8's growth factor for a new space of `size` bytes: doubling (V8's own) below the kept size,
 * none from there. A factor that reached the kept size in one growth overshot it (1 → 16 MB):
 * V8 grew the space again before the observer had set the factor back.
 */
export function growthFactorFor(size: number): number {
  return size >= KEPT_NEW_SPACE_BYTES ? 1 : 2
}

function keepNewSpace(): void {
  const newSpace = getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')
  if (newSpace) growthFactor = growthFactorFor(newSpace.space_size)
  keepYoungGenerationBound()
}
