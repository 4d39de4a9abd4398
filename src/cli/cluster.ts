// `serve --workers N`: a primary process that keeps N server workers behind one port (node:cluster).

import cluster, { type Worker } from 'node:cluster'
import { answerBucketQuestions } from '../http/cluster-buckets.js'
import { createMemoryBuckets } from '../http/rate-limit.js'

/** A worker that dies is replaced after this pause, so a crash loop cannot spin the CPU. */
const RESTART_DELAY_MS = 1_000
/** How long the primary waits for its workers to finish in-flight requests on a stop. */
const STOP_GRACE_MS = 15_000

export function isClusterWorker(): boolean {
  return cluster.isWorker
}

/** Closes this worker's channel to the primary, which would otherwise keep the process alive after a stop. */
export function leaveCluster(): void {
  if (cluster.isWorker) process.disconnect?.()
}

/** Tells the primary this worker listens at `address` (the primary prints it once). */
export function reportListening(address: string): void {
  process.send?.({ firehouse: 'listening', address })
}

/**
 * Runs the primary: forks `count` workers (each re-runs this command line), replaces any that
 * exits unexpectedly, and on SIGINT/SIGTERM stops them all and resolves. `onAllListening` gets
 * the address once all `count` workers listen: announced earlier, a worker that dies while the
 * others are still starting would leave no one on the port for a moment (and with port 0 the
 * next worker would get another one).
 */
export async function runPrimary(count: number, onAllListening: (address: string) => void, warn: (line: string) => void): Promise<void> {
  let stopping = false
  let announced = false
  const listening = new Set<number>()
  // Without Redis, the workers' rate limits are counted here, once for all of them.
  const buckets = createMemoryBuckets()
  const fork = (): Worker => {
    const worker = cluster.fork()
    answerBucketQuestions(worker, buckets)
    worker.on('message', (message: { firehouse?: string; address?: string }) => {
      if (message?.firehouse !== 'listening' || !message.address || announced) return
      listening.add(worker.id)
      if (listening.size < count) return
      announced = true
      onAllListening(message.address)
    })
    return worker
  }
  cluster.on('exit', (worker, code, signal) => {
    listening.delete(worker.id)
    if (stopping) return
    warn(`worker ${worker.process.pid} exited (${signal ?? `code ${code}`}); starting a new one`)
    setTimeout(() => !stopping && fork(), RESTART_DELAY_MS).unref()
  })
  for (let i = 0; i < count; i++) fork()
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  stopping = true
  await stopWorkers()
}

async function stopWorkers(): Promise<void> {
  const workers = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined)
  const exited = workers.map((worker) => new Promise<void>((resolve) => worker.once('exit', () => resolve())))
  for (const worker of workers) worker.process.kill('SIGTERM')
  const timeout = new Promise<void>((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref())
  await Promise.race([Promise.all(exited), timeout])
  for (const worker of workers) if (!worker.isDead()) worker.process.kill('SIGKILL')
}
