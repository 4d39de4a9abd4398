// Starting a worker thread whose module sits beside this one, from the build or from source.

import { Worker } from 'node:worker_threads'

/** .ts when run from source (tsx), .js once built. */
const FROM_SOURCE = import.meta.url.endsWith('.ts')

/**
 * A thread's young generation, in MB. Its allocations are a batch's rows and answers or a
 * checkpoint's result, short-lived and small; V8's default lets it grow to 48 MB, which only held
 * RSS (4 MB: −6 MB of the process's RSS under load, imports as fast; docs/deploy.md, "Memory").
 */
export const THREAD_YOUNG_GENERATION_MB = 4

/**
 * Starts the module `name` (no extension) of this folder on a worker thread. From source
 * (`npm start`, the tests), a worker does not inherit tsx's loader hooks: it registers them itself
 * before it imports the module, or the .ts file is refused (ERR_UNKNOWN_FILE_EXTENSION).
 */
export function startThread(name: string, workerData: unknown): Worker {
  const module = new URL(`./${name}${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url)
  const resourceLimits = { maxYoungGenerationSizeMb: THREAD_YOUNG_GENERATION_MB }
  if (!FROM_SOURCE) return new Worker(module, { workerData, resourceLimits })
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(module.href)}) })`
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits })
}
