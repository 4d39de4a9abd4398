// How far `serve`'s heaps may grow between full collections. V8 lets the old generation grow to
// up to four times what its last full collection kept when collecting is cheap, as it is for a
// server whose live heap is ~25 MB: under load the request thread's old space went from 32 to
// 73 MB of mostly garbage, and the process to 227–260 MiB of RSS (issue 17 asks ≤ 200 MB).
// Growing by half at most keeps it at 194–197 MiB (docs/deploy.md, "Memory"). The young
// generation is bounded too: service/young-generation.ts.

import { setFlagsFromString } from 'node:v8'
import { boundYoungGeneration } from '../service/young-generation.js'

/** The old generation may grow by this much of what the last full collection kept. */
export const HEAP_GROWING_PERCENT = 50

/** Node flags with which an operator has sized the heap themselves (Node takes `_` for `-` too): then theirs stand. */
const OPERATOR_HEAP_FLAGS = /--(heap[-_]growing[-_]percent|max[-_]old[-_]space[-_]size|max[-_]heap[-_]size)\b/

/**
 * Bounds the heap's growth for this process and the threads it starts, unless the operator gave
 * Node a heap flag (on its command line or in NODE_OPTIONS). V8 reads this flag at each full
 * collection, so it takes effect although the heap already exists. Returns whether it was set.
 */
export function boundHeapGrowth(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  if (operatorGave(OPERATOR_HEAP_FLAGS, execArgv, nodeOptions)) return false
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`)
  return true
}

/** Node flags with which an operator has sized the young generation themselves: then theirs stand. */
const OPERATOR_YOUNG_GENERATION_FLAGS = /--((max|min)[-_]semi[-_]space[-_]size|semi[-_]space[-_]growth[-_]factor)\b/

/**
 * Keeps the new space of every heap of this process at its first size (young-generation.ts),
 * unless the operator gave Node a flag for it. Returns whether it was set.
 */
export function boundYoungGenerations(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? ''): boolean {
  if (operatorGave(OPERATOR_YOUNG_GENERATION_FLAGS, execArgv, nodeOptions)) return false
  boundYoungGeneration()
  return true
}

/** Whether Node was given one of these flags, on its command line or in NODE_OPTIONS. */
function operatorGave(flags: RegExp, execArgv: readonly string[], nodeOptions: string): boolean {
  return flags.test([...execArgv, nodeOptions].join(' '))
}
