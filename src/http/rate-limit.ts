// Per-API-key (and per-app) rate limiting (token bucket, burst twice the rate) with RateLimit-* headers.

import { FirehouseError } from '../domain/errors.js'
import { takeToken, type BucketVerdict, type TokenBucket } from '../domain/token-bucket.js'
import type { Caller } from '../service/api-keys.js'

export type RateLimiter = (caller: Caller, reply: HeaderSink) => Promise<void>

/** Where the RateLimit-* headers go: a FastifyReply, or the v4.1 lane's list of headers (workflow-lane.ts). */
export interface HeaderSink {
  header(name: string, value: string): unknown
}

/** Where the buckets live: this process's memory, or a Redis that every process shares. */
export interface BucketStore {
  /** Takes one token from `keyId`'s bucket (created full), refilled at `rate` tokens/s up to `capacity`. */
  take(keyId: string, rate: number, capacity: number): Promise<BucketVerdict>
  close(): Promise<void>
}

/** The buckets of this process alone: the default, and the fallback while Redis is unreachable. */
export function createMemoryBuckets(nowMs: () => number = Date.now): BucketStore {
  const buckets = new Map<string, TokenBucket>()
  return {
    async take(keyId, rate, capacity) {
      let bucket = buckets.get(keyId)
      if (!bucket) {
        bucket = { tokens: capacity, updatedAt: nowMs() }
        buckets.set(keyId, bucket)
      }
      return takeToken(bucket, rate, capacity, nowMs())
    },
    async close() {
      buckets.clear()
    },
  }
}

/** `defaultRate` requests/s per key (or app) unless the tenant sets its own; 0 turns limiting off. */
export function createRateLimiter(defaultRate: number, buckets: BucketStore = createMemoryBuckets()): RateLimiter {
  const limit = createBucketLimiter(buckets)
  return (caller, reply) => limit(caller.bucketId, caller.rateLimit ?? defaultRate, reply)
}

/** Takes one request from a bucket at `rate` requests/s (burst twice that; 0: no limit), with the RateLimit-* headers, or 300008. */
export type BucketLimiter = (bucketId: string, rate: number, reply: HeaderSink) => Promise<void>

export function createBucketLimiter(buckets: BucketStore): BucketLimiter {
  return async (bucketId, rate, reply) => {
    if (rate === 0) return
    const capacity = rate * 2
    const verdict = await buckets.take(bucketId, rate, capacity)
    reply.header('ratelimit-limit', String(capacity))
    reply.header('ratelimit-remaining', String(verdict.remaining))
    reply.header('ratelimit-reset', String(verdict.resetS))
    if (!verdict.allowed) {
      throw new FirehouseError('RATE_LIMITED', 'Rate limit exceeded', { details: { retryAfter: verdict.retryAfterS } })
    }
  }
}
