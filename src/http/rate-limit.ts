// Per-API-key rate limiting (token bucket, burst twice the rate) with RateLimit-* headers.

import type { FastifyReply } from 'fastify'
import { FirehouseError } from '../domain/errors.js'
import { takeToken, type TokenBucket } from '../domain/token-bucket.js'
import type { Caller } from '../service/api-keys.js'

export type RateLimiter = (caller: Caller, reply: FastifyReply) => void

/** `defaultRate` requests/s per key unless the tenant sets its own; 0 turns limiting off. */
export function createRateLimiter(defaultRate: number, nowMs: () => number = Date.now): RateLimiter {
  const buckets = new Map<string, TokenBucket>()
  return (caller, reply) => {
    const rate = caller.rateLimit ?? defaultRate
    if (rate === 0) return
    const capacity = rate * 2
    let bucket = buckets.get(caller.keyId)
    if (!bucket) {
      bucket = { tokens: capacity, updatedAt: nowMs() }
      buckets.set(caller.keyId, bucket)
    }
    const verdict = takeToken(bucket, rate, capacity, nowMs())
    reply.header('ratelimit-limit', String(capacity))
    reply.header('ratelimit-remaining', String(verdict.remaining))
    reply.header('ratelimit-reset', String(verdict.resetS))
    if (!verdict.allowed) {
      throw new FirehouseError('RATE_LIMITED', 'Rate limit exceeded', { details: { retryAfter: verdict.retryAfterS } })
    }
  }
}
