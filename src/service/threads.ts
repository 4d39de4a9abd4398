// Starting a worker thread whose module sits beside this one, from the build or from source.

import { Worker, type ResourceLimits } from 'node:worker_threads'
import { keepYoungGenerationBound } from './young-generation.js'

/** .ts when run from source (tsx), .js once built. */
const FROM_SOURCE = import.meta.url.endsWith('.ts')

/**
 * Starts the module `name` (no extension) of this folder on a worker thread, with V8's limits
 * for its heap where given (Node's defaults otherwise). From source
 * (`npm start`, the tests), a worker does not inherit tsx's loader hooks: it registers them itself
 * before it imports the module, or the .ts file is refused (ERR_UNKNOWN_FILE_EXTENSION).
 */
export function startThread(name: string, workerData: unknown, resourceLimits: ResourceLimits = {}): Worker {
  const worker = createWorker(name, workerData, resourceLimits)
  // Setting up the thread's heap undid the process's young-generation bound (young-generation.ts).
  worker.once('online', keepYoungGenerationBound)
  return worker
}

function createWorker(name: string, workerData: unknown, resourceLimits: ResourceLimits): Worker {
  const module = new URL(`./${name}${FROM_SOURCE ? '.ts' : '.js'}`, import.meta.url)
  if (!FROM_SOURCE) return new Worker(module, { workerData, resourceLimits })
  const bootstrap = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(module.href)}) })`
  return new Worker(bootstrap, { eval: true, workerData, resourceLimits })
}
