// loadConfig(env, flags): validates every setting at once and returns a frozen Config.

import { FirehouseError } from './domain/errors.js'
import { isCidr } from './domain/address-rules.js'
import { isRegion, REGIONS, type Region } from './domain/region.js'

export interface Config {
  /** A file path for embedded SQLite, or a postgres:// URL. */
  readonly db: string
  /** PostgreSQL connections per process. */
  readonly dbPoolSize: number
  readonly host: string
  readonly port: number
  readonly region: Region
  /** Requests per second per API key (burst: twice that); 0 turns rate limiting off. */
  readonly rateLimit: number
  readonly logLevel: string
  /** JSON log lines, readable ones, or `auto`: readable when stdout is a terminal (the CLI decides). */
  readonly logFormat: LogFormat
  /** A redis:// URL: rate-limit buckets shared by every process that names it; null keeps them in-process. */
  readonly redisUrl: string | null
  /** Prepended to every Redis key, so several deployments can share one Redis. */
  readonly redisPrefix: string
  /** Seconds a client may take to send a whole request. */
  readonly requestTimeout: number
  /** Seconds a client may take to send the request's headers (a slow-loris bound); at most requestTimeout. */
  readonly headersTimeout: number
  /** Server processes behind the port; 0: one per core. */
  readonly workers: number
  /** Where `serve` writes v4.1 calls on SQLite: a writer thread of its own, or the request thread. */
  readonly writer: WriterMode
  /**
   * Proxies whose X-Forwarded-* headers are believed (addresses, CIDRs or loopback/linklocal/
   * uniquelocal, comma-separated); '' believes none. Behind a TLS-terminating proxy this is what
   * makes the board's session cookie Secure.
   */
  readonly trustProxy: string
  /** Seconds before webhook attempts 2, 3, … (SPEC §8); the list's length plus one is the number of attempts. */
  readonly webhookRetrySchedule: readonly number[]
  /** Milliseconds a webhook receiver has to answer. */
  readonly webhookTimeoutMs: number
  /** CIDRs webhooks may reach although they are not public (e.g. 127.0.0.0/8 for a receiver on this machine). */
  readonly webhookAllowNets: readonly string[]
}

/** Command-line flags; each overrides its environment variable. */
export type ConfigFlags = Partial<Record<keyof Config, string | undefined>>

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']
export const LOG_FORMATS = ['auto', 'json', 'pretty'] as const
export type LogFormat = (typeof LOG_FORMATS)[number]
export const WRITER_MODES = ['thread', 'inline'] as const
export type WriterMode = (typeof WRITER_MODES)[number]

/** Every setting: its environment variable, default and parser (which returns an error text or the value). */
const SETTINGS: { [K in keyof Config]: { env: string; default: string; parse: (raw: string) => Config[K] | Error } } = {
  db: { env: 'FIREHOUSE_DB', default: './data/firehouse.db', parse: (raw) => raw || new Error('must not be empty') },
  dbPoolSize: { env: 'FIREHOUSE_DB_POOL', default: '10', parse: (raw) => parseInteger(raw, 1, 1_000) },
  host: { env: 'HOST', default: '127.0.0.1', parse: (raw) => raw || new Error('must not be empty') },
  port: { env: 'PORT', default: '8080', parse: (raw) => parseInteger(raw, 0, 65_535) },
  region: {
    env: 'FIREHOUSE_REGION',
    default: 'eu',
    parse: (raw) => (isRegion(raw) ? raw : new Error(`must be one of ${REGIONS.join(', ')}`)),
  },
  rateLimit: { env: 'FIREHOUSE_RATE_LIMIT', default: '1000', parse: (raw) => parseInteger(raw, 0, 1_000_000) },
  redisUrl: { env: 'FIREHOUSE_REDIS_URL', default: '', parse: parseRedisUrl },
  redisPrefix: {
    env: 'FIREHOUSE_REDIS_PREFIX',
    default: 'firehouse:',
    parse: (raw) => (/^[\x21-\x7e]{1,100}$/.test(raw) ? raw : new Error('must be 1 to 100 visible ASCII characters')),
  },
  requestTimeout: { env: 'FIREHOUSE_REQUEST_TIMEOUT', default: '30', parse: (raw) => parseInteger(raw, 1, 3_600) },
  headersTimeout: { env: 'FIREHOUSE_HEADERS_TIMEOUT', default: '10', parse: (raw) => parseInteger(raw, 1, 3_600) },
  workers: { env: 'FIREHOUSE_WORKERS', default: '0', parse: (raw) => parseInteger(raw, 0, 256) },
  writer: {
    env: 'FIREHOUSE_WRITER',
    default: 'thread',
    parse: (raw) => (WRITER_MODES.includes(raw as WriterMode) ? (raw as WriterMode) : new Error(`must be one of ${WRITER_MODES.join(', ')}`)),
  },
  trustProxy: {
    env: 'FIREHOUSE_TRUST_PROXY',
    default: '',
    parse: (raw) =>
      raw === '' || raw.split(',').every((part) => /^(loopback|linklocal|uniquelocal|[0-9a-fA-F:.]+(\/\d{1,3})?)$/.test(part.trim()))
        ? raw
        : new Error('must be proxy addresses or CIDRs (or loopback, linklocal, uniquelocal), comma-separated'),
  },
  webhookRetrySchedule: { env: 'FIREHOUSE_WEBHOOK_RETRY_SCHEDULE', default: '5,300,1800,7200,18000,36000,36000', parse: parseRetrySchedule },
  webhookTimeoutMs: { env: 'FIREHOUSE_WEBHOOK_TIMEOUT_MS', default: '10000', parse: (raw) => parseInteger(raw, 100, 60_000) },
  webhookAllowNets: {
    env: 'FIREHOUSE_WEBHOOK_ALLOW_NETS',
    default: '',
    parse: (raw) => {
      const nets = raw.split(',').map((part) => part.trim()).filter((part) => part !== '')
      return nets.every(isCidr) ? Object.freeze(nets) : new Error('must be CIDRs (e.g. 127.0.0.0/8), comma-separated')
    },
  },
  logLevel: {
    env: 'FIREHOUSE_LOG_LEVEL',
    default: 'info',
    parse: (raw) => (LOG_LEVELS.includes(raw) ? raw : new Error(`must be one of ${LOG_LEVELS.join(', ')}`)),
  },
  logFormat: {
    env: 'FIREHOUSE_LOG_FORMAT',
    default: 'auto',
    parse: (raw) => (LOG_FORMATS.includes(raw as LogFormat) ? (raw as LogFormat) : new Error(`must be one of ${LOG_FORMATS.join(', ')}`)),
  },
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>, flags: ConfigFlags = {}): Config {
  const problems: string[] = []
  const config: Record<string, unknown> = {}
  for (const [name, setting] of Object.entries(SETTINGS)) {
    const raw = flags[name as keyof Config] ?? env[setting.env] ?? setting.default
    const value = setting.parse(raw.trim())
    if (value instanceof Error) problems.push(`${setting.env} ${value.message} (got "${withoutUserInfo(raw)}")`)
    else config[name] = value
  }
  if (typeof config.headersTimeout === 'number' && typeof config.requestTimeout === 'number' && config.headersTimeout > config.requestTimeout) {
    problems.push(`FIREHOUSE_HEADERS_TIMEOUT must not exceed FIREHOUSE_REQUEST_TIMEOUT (got ${config.headersTimeout} > ${config.requestTimeout})`)
  }
  if (problems.length > 0) {
    throw new FirehouseError('INVALID_ARGUMENT', `Invalid configuration: ${problems.join('; ')}`)
  }
  return Object.freeze(config as unknown as Config)
}

/**
 * A value as an error may quote it: whatever precedes an '@' in its authority (user and password,
 * however mistyped the URL around them) becomes '***', so a configuration error never prints a secret.
 */
export function withoutUserInfo(raw: string): string {
  const end = raw.lastIndexOf('@')
  if (end < 0) return raw
  // The authority starts after the scheme's slashes, however many were typed; a password may hold '/' or '@'.
  const start = /^[^/@]*\/+/.exec(raw)?.[0].length ?? 0
  return start > end ? raw : `${raw.slice(0, start)}***${raw.slice(end)}`
}

function parseInteger(raw: string, min: number, max: number): number | Error {
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN
  return Number.isInteger(value) && value >= min && value <= max
    ? value
    : new Error(`must be an integer from ${min} to ${max}`)
}

/** Seconds, comma-separated (fractions allowed, for tests); each at most a week. */
function parseRetrySchedule(raw: string): readonly number[] | Error {
  const delays = raw === '' ? [] : raw.split(',').map((part) => (/^\d+(\.\d+)?$/.test(part.trim()) ? Number(part) : NaN))
  return delays.length <= 30 && delays.every((delay) => Number.isFinite(delay) && delay <= 604_800)
    ? Object.freeze(delays)
    : new Error('must be at most 30 delays in seconds (0 to 604800), comma-separated')
}

function parseRedisUrl(raw: string): string | null | Error {
  if (raw === '') return null
  const url = URL.canParse(raw) ? new URL(raw) : null
  return url && (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== ''
    ? raw
    : new Error('must be a redis:// or rediss:// URL with a host')
}

/** Where `firehouse workflow update` sends its call, and with which key (SPEC §3). */
export interface ClientSettings {
  /** Base URL of the server; `/v4.1/workflow.<format>` is appended. */
  readonly apiUrl: string
  readonly apiKey: string
  readonly format: 'json' | 'xml'
}

/** Flags of `workflow update`; each overrides its environment variable. */
export type ClientSettingsFlags = Partial<Record<keyof ClientSettings, string | undefined>>

/** The local server's default address (HOST and PORT above), so a fresh `npm start` needs no --url. */
const DEFAULT_API_URL = 'http://127.0.0.1:8080'

/** Reads CG_API_URL and CG_API_KEY (flags win), validates all three settings at once, and freezes them. */
export function loadClientSettings(env: Readonly<Record<string, string | undefined>>, flags: ClientSettingsFlags = {}): ClientSettings {
  const apiUrl = (flags.apiUrl ?? env.CG_API_URL ?? DEFAULT_API_URL).trim()
  const apiKey = (flags.apiKey ?? env.CG_API_KEY ?? '').trim()
  const format = (flags.format ?? 'json').trim().toLowerCase()
  const problems: string[] = []
  if (!/^https?:\/\/[^\s]+$/i.test(apiUrl) || !URL.canParse(apiUrl)) problems.push(`CG_API_URL must be an http(s) URL (got "${withoutUserInfo(apiUrl)}")`)
  if (apiKey === '') problems.push('an API key is required: set CG_API_KEY or pass --key')
  else if (!/^[\x21-\x7E]+$/.test(apiKey)) problems.push('CG_API_KEY must be visible ASCII characters')
  if (format !== 'json' && format !== 'xml') problems.push(`--format must be json or xml (got "${format}")`)
  if (problems.length > 0) throw new FirehouseError('INVALID_ARGUMENT', `Invalid client settings: ${problems.join('; ')}`)
  return Object.freeze({ apiUrl, apiKey, format: format as ClientSettings['format'] })
}
