// What the webhook machinery is told by its operator (config) and, in tests, which resolver it uses.

import { lookup } from 'node:dns/promises'

/** Resolves a host name to every address it has (as Node's dns.lookup with `all: true`). */
export type HostResolver = (hostname: string) => Promise<{ address: string; family: number }[]>

export interface WebhookSettings {
  /** Delays in seconds before attempts 2, 3, …; the list's length plus one is the number of attempts. */
  readonly retryScheduleS: readonly number[]
  /** An attempt without a whole answer by then has failed. */
  readonly timeoutMs: number
  /** CIDRs a webhook may reach although they are not public. */
  readonly allowNets: readonly string[]
  /** DNS, the system's by default; replaceable to test what a changed answer does. */
  readonly resolveHost?: HostResolver
}

/** SPEC §8: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const DEFAULT_RETRY_SCHEDULE_S = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000] as const
export const DEFAULT_TIMEOUT_MS = 10_000

export const systemResolver: HostResolver = (hostname) => lookup(hostname, { all: true, verbatim: true })
