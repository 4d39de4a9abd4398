// Slow, salted password hashes (scrypt, N=2^17, r=8, p=1: SPEC §7), and a gate on how many run at once.

import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { FirehouseError } from '../domain/errors.js'

const N = 2 ** 17
const R = 8
const P = 1
const KEY_LENGTH = 32
const SALT_BYTES = 16
// scrypt needs 128 × N × r bytes (128 MiB here); Node's default maxmem is 32 MiB.
const MAX_MEM = 256 * 1024 * 1024

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, KEY_LENGTH, { ...options, maxmem: MAX_MEM }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  )
}

/** `scrypt$<N>$<r>$<p>$<salt>$<hash>` (base64url): the parameters travel with the hash. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(password, salt, { N, r: R, p: P })
  return ['scrypt', N, R, P, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** True when the password matches the stored hash; a malformed hash matches nothing. */
export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) })
  return key.length === expected.length && timingSafeEqual(key, expected)
}

/**
 * Each hash holds a libuv thread and 128 MiB for ~0.4 s: at most `running` at once, `waiting`
 * queued, and anyone beyond that is told to come back (503000), so sign-in cannot stall the server.
 */
export interface HashGate {
  run<T>(work: () => Promise<T>): Promise<T>
  /** A hash nobody's password matches (made once per gate), checked for unknown accounts so their answer takes as long. */
  decoy(): Promise<string>
}

export function createHashGate(running = 2, waiting = 64): HashGate {
  let active = 0
  let decoyHash: Promise<string> | null = null
  const queue: (() => void)[] = []
  const release = () => {
    const next = queue.shift()
    if (next) next()
    else active -= 1
  }
  return {
    decoy: () => (decoyHash ??= hashPassword(randomBytes(16).toString('hex'))),
    async run(work) {
      if (active >= running) {
        if (queue.length >= waiting) {
          throw new FirehouseError('UNAVAILABLE', 'Too many sign-ins at once, try again', { details: { retryAfter: 1 } })
        }
        await new Promise<void>((resolve) => queue.push(resolve))
      } else active += 1
      try {
        return await work()
      } finally {
        release()
      }
    },
  }
}
