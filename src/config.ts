// loadConfig(env, flags): validates every setting at once and returns a frozen Config.

import { FirehouseError } from './domain/errors.js'
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
  /** Server processes behind the port; 0: one per core. */
  readonly workers: number
}

/** Command-line flags; each overrides its environment variable. */
export type ConfigFlags = Partial<Record<keyof Config, string | undefined>>

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

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
  workers: { env: 'FIREHOUSE_WORKERS', default: '0', parse: (raw) => parseInteger(raw, 0, 256) },
  logLevel: {
    env: 'FIREHOUSE_LOG_LEVEL',
    default: 'info',
    parse: (raw) => (LOG_LEVELS.includes(raw) ? raw : new Error(`must be one of ${LOG_LEVELS.join(', ')}`)),
  },
}

export function loadConfig(env: Readonly<Record<string, string | undefined>>, flags: ConfigFlags = {}): Config {
  const problems: string[] = []
  const config: Record<string, unknown> = {}
  for (const [name, setting] of Object.entries(SETTINGS)) {
    const raw = flags[name as keyof Config] ?? env[setting.env] ?? setting.default
    const value = setting.parse(raw.trim())
    if (value instanceof Error) problems.push(`${setting.env} ${value.message} (got "${raw}")`)
    else config[name] = value
  }
  if (problems.length > 0) {
    throw new FirehouseError('INVALID_ARGUMENT', `Invalid configuration: ${problems.join('; ')}`)
  }
  return Object.freeze(config as unknown as Config)
}

function parseInteger(raw: string, min: number, max: number): number | Error {
  const value = /^\d+$/.test(raw) ? Number(raw) : NaN
  return Number.isInteger(value) && value >= min && value <= max
    ? value
    : new Error(`must be an integer from ${min} to ${max}`)
}
