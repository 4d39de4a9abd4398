// A token bucket: `rate` tokens a second, holding at most `capacity`; pure, the clock is passed in.

export interface TokenBucket {
  tokens: number
  /** When `tokens` was last brought up to date, in milliseconds. */
  updatedAt: number
}

export interface BucketVerdict {
  allowed: boolean
  remaining: number
  /** Seconds until the bucket is full again. */
  resetS: number
  /** Seconds until the next request would be allowed (0 when allowed). */
  retryAfterS: number
}

/** Takes one token if there is one; returns the verdict and mutates the bucket. */
export function takeToken(bucket: TokenBucket, rate: number, capacity: number, nowMs: number): BucketVerdict {
  const elapsedS = Math.max(0, nowMs - bucket.updatedAt) / 1000
  bucket.tokens = Math.min(capacity, bucket.tokens + elapsedS * rate)
  bucket.updatedAt = nowMs
  const allowed = bucket.tokens >= 1
  if (allowed) bucket.tokens -= 1
  return verdictOf(allowed, bucket.tokens, rate, capacity)
}

/** The verdict for a bucket left holding `tokens` after a take (shared with the Redis bucket). */
export function verdictOf(allowed: boolean, tokens: number, rate: number, capacity: number): BucketVerdict {
  return {
    allowed,
    remaining: Math.floor(tokens),
    resetS: Math.ceil((capacity - tokens) / rate),
    retryAfterS: allowed ? 0 : Math.max(1, Math.ceil((1 - tokens) / rate)),
  }
}
