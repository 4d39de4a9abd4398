// Token buckets kept in Redis, so every server process behind the port draws on one bucket per key.

import { createHash } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import { Counter, type Registry } from 'prom-client'
import { verdictOf } from '../domain/token-bucket.js'
import type { BucketStore } from './rate-limit.js'

/**
 * Refill and take in one step, on the Redis server's clock (TIME), so processes with drifting clocks
 * still share one bucket. KEYS[1]: the bucket; ARGV: rate (tokens/s), capacity. Returns
 * {allowed 0|1, tokens left as a string} (a Lua number would be truncated to an integer on reply).
 * The key expires once the bucket would be full again: an absent key is a full bucket.
 */
const TAKE_TOKEN_LUA = `
local rate = tonumber(ARGV[1])
local capacity = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) / 1000 * rate)
local allowed = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%.17g', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / rate * 1000) + 1000)
return {allowed, string.format('%.17g', tokens)}
`
const TAKE_TOKEN_SHA = createHash('sha1').update(TAKE_TOKEN_LUA).digest('hex')

/** A rate-limit check must not hold a request up for long: past this, the local bucket decides. */
const COMMAND_TIMEOUT_MS = 250
const CONNECT_TIMEOUT_MS = 1_000
const MAX_RECONNECT_DELAY_MS = 2_000

export interface RedisBucketsOptions {
  url: string
  /** Prepended to every key, so several deployments can share one Redis. */
  prefix: string
  /** Decides while Redis is unreachable (fail open to a per-process limit, docs/decisions.md). */
  fallback: BucketStore
  log: FastifyBaseLogger
  registry: Registry
}

export interface RedisBuckets extends BucketStore {
  /** Connects; resolves once connected or after the connect timeout (the fallback serves meanwhile). */
  connect(): Promise<void>
}

export function createRedisBuckets({ url, prefix, fallback, log, registry }: RedisBucketsOptions): RedisBuckets {
  const fallbacks = new Counter({
    name: 'firehouse_rate_limit_fallback_total',
    help: 'Rate-limit checks decided by the in-process bucket because Redis was unreachable',
    registers: [registry],
  })
  let redis: RedisConnection | undefined
  let closed = false
  let degraded = false
  const degrade = (error: unknown) => {
    if (degraded) return
    degraded = true
    log.warn({ err: error }, 'Redis is unreachable: rate limits are enforced per process until it is back')
  }
  const recover = () => {
    if (!degraded) return
    degraded = false
    log.info('Redis is reachable again: rate limits are shared again')
  }
  let connecting: Promise<unknown> | undefined

  const takeShared = async ({ client, isNoScript }: RedisConnection, key: string, rate: number, capacity: number) => {
    const options = { keys: [key], arguments: [String(rate), String(capacity)] }
    try {
      return await client.evalSha(TAKE_TOKEN_SHA, options)
    } catch (error) {
      // First use on this Redis (or after SCRIPT FLUSH / a restart): EVAL loads the script.
      if (isNoScript(error)) return client.eval(TAKE_TOKEN_LUA, options)
      throw error
    }
  }

  return {
    connect() {
      connecting ??= openRedis(url, degrade)
        .then(async (opened) => {
          if (closed) return
          redis = opened
          await opened.client.connect()
        })
        .catch(degrade)
      return Promise.race([connecting, new Promise((resolve) => setTimeout(resolve, CONNECT_TIMEOUT_MS).unref())]).then(() => undefined)
    },
    async take(keyId, rate, capacity) {
      if (!redis?.client.isReady) return fallBack(keyId, rate, capacity, new Error('not connected'))
      try {
        const [allowed, tokens] = parseReply(await takeShared(redis, `${prefix}ratelimit:${keyId}`, rate, capacity))
        recover()
        return verdictOf(allowed, tokens, rate, capacity)
      } catch (error) {
        return fallBack(keyId, rate, capacity, error)
      }
    },
    async close() {
      closed = true
      if (redis?.client.isOpen) redis.client.destroy()
      await fallback.close()
    },
  }

  function fallBack(keyId: string, rate: number, capacity: number, error: unknown) {
    fallbacks.inc()
    degrade(error)
    return fallback.take(keyId, rate, capacity)
  }
}

/** The Redis client, loaded only when a server is configured to use Redis (the module weighs ~20 MB). */
async function openRedis(url: string, onError: (error: unknown) => void) {
  const { createClient, ErrorReply } = await import('@redis/client')
  const client = createClient({
    url,
    // A command while disconnected fails at once instead of queueing behind the outage.
    disableOfflineQueue: true,
    commandOptions: { timeout: COMMAND_TIMEOUT_MS },
    socket: {
      connectTimeout: CONNECT_TIMEOUT_MS,
      reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
    },
  })
  client.on('error', onError)
  return { client, isNoScript: (error: unknown) => error instanceof ErrorReply && error.message.startsWith('NOSCRIPT') }
}

type RedisConnection = Awaited<ReturnType<typeof openRedis>>

function parseReply(reply: unknown): [boolean, number] {
  const [allowed, tokens] = Array.isArray(reply) ? reply : []
  const left = Number(tokens)
  if ((allowed !== 0 && allowed !== 1) || !Number.isFinite(left)) throw new Error(`unexpected reply from the rate-limit script: ${String(reply)}`)
  return [allowed === 1, left]
}
