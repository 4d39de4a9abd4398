// Token buckets kept by the primary of `serve --workers N`, so its workers draw on one bucket per
// key (without Redis, each would otherwise grant the key its whole limit: N× what RateLimit-Limit
// says). A worker asks the primary over the cluster's IPC channel; the primary answers from its
// own in-memory buckets.

import cluster, { type Worker } from 'node:cluster'
import type { BucketVerdict } from '../domain/token-bucket.js'
import { createMemoryBuckets, type BucketStore } from './rate-limit.js'

/** A check must not hold a request up: past this (a primary that stalls), the worker's own bucket decides. */
const ANSWER_TIMEOUT_MS = 250

interface TakeMessage {
  firehouse: 'bucket-take'
  id: number
  keyId: string
  rate: number
  capacity: number
}

interface VerdictMessage {
  firehouse: 'bucket-verdict'
  id: number
  verdict: BucketVerdict
}

/** True in a worker forked by `serve --workers N`: its buckets belong in the primary. */
export function runsUnderClusterPrimary(): boolean {
  return cluster.isWorker && typeof process.send === 'function'
}

/** The worker's side: each take is a question to the primary; `fallback` decides when no answer comes. */
export function createClusterBuckets(fallback: BucketStore = createMemoryBuckets()): BucketStore {
  const waiting = new Map<number, (verdict: BucketVerdict | null) => void>()
  let nextId = 0
  const onMessage = (message: unknown) => {
    if (!isVerdict(message)) return
    waiting.get(message.id)?.(message.verdict)
  }
  process.on('message', onMessage)
  const ask = (message: TakeMessage) =>
    new Promise<BucketVerdict | null>((resolve) => {
      const timer = setTimeout(() => settle(null), ANSWER_TIMEOUT_MS)
      const settle = (verdict: BucketVerdict | null) => {
        clearTimeout(timer)
        waiting.delete(message.id)
        resolve(verdict)
      }
      waiting.set(message.id, settle)
      // A channel already closed (the primary is stopping) answers null at once.
      if (!process.connected || !process.send?.(message, undefined, undefined, (error) => error && settle(null))) settle(null)
    })
  return {
    async take(keyId, rate, capacity) {
      nextId = (nextId + 1) % Number.MAX_SAFE_INTEGER
      const verdict = await ask({ firehouse: 'bucket-take', id: nextId, keyId, rate, capacity })
      return verdict ?? fallback.take(keyId, rate, capacity)
    },
    async close() {
      process.off('message', onMessage)
      for (const settle of waiting.values()) settle(null)
      await fallback.close()
    },
  }
}

/** The primary's side: one set of buckets for every worker; call once per forked worker. */
export function answerBucketQuestions(worker: Worker, buckets: BucketStore): void {
  worker.on('message', (message: unknown) => {
    if (!isTake(message)) return
    void buckets.take(message.keyId, message.rate, message.capacity).then((verdict) => {
      const answer: VerdictMessage = { firehouse: 'bucket-verdict', id: message.id, verdict }
      // A worker that died meanwhile has no one to answer.
      if (worker.isConnected()) worker.send(answer)
    })
  })
}

function isTake(message: unknown): message is TakeMessage {
  const m = message as Partial<TakeMessage> | null
  return m?.firehouse === 'bucket-take' && typeof m.id === 'number' && typeof m.keyId === 'string' && typeof m.rate === 'number' && typeof m.capacity === 'number'
}

function isVerdict(message: unknown): message is VerdictMessage {
  const m = message as Partial<VerdictMessage> | null
  return m?.firehouse === 'bucket-verdict' && typeof m.id === 'number' && typeof m.verdict === 'object' && m.verdict !== null
}
