// The access log (one line per answered request) and the request's own logger, both as cheap as
// the hot path needs them (issue 17).
// Under load, pino's generic way to the line (a child logger per request for Fastify, then for
// the line its serializers, a key-by-key stringify and its bindings) cost ~8 % of the request
// thread: the line's fields are known, so they are put together with one JSON.stringify behind the
// logger's own level, time and bindings, and handed to the logger's stream, as pino would.
// test/http/access-log.test.ts holds the line to what pino writes for the same request.

import type { IncomingHttpHeaders } from 'node:http'
import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify'
import pino, { type Bindings, type ChildLoggerOptions, type Logger } from 'pino'

/** pino's number for info, the level of the line. */
const INFO_LEVEL = 30
const COMPLETED = 'request completed'

/**
 * One line per answered request at info ("request completed", with the method, path, status and
 * time), and the line for a request received at debug ("incoming request"). Fastify's own pair at
 * info cost ~10 % of the request thread under load; the one line says all that the two did. Errors
 * are logged as Fastify logs them, through the request's logger.
 */
export class AccessLog extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request')
  }

  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply, metadata?: Record<string, unknown>): void {
    if (error) return super.requestCompleted(error, request, reply, metadata)
    logAnswer(request.server.log, request.id, () => accessLogRequest(request), reply.statusCode, reply.elapsedTime)
  }
}

/**
 * Writes the access line of an answered request (`describe` gives its `req` field, made only when
 * the line is written): its id, its status, its time in milliseconds from its arrival.
 */
export function logAnswer(
  log: FastifyBaseLogger,
  requestId: string,
  describe: () => Record<string, unknown>,
  statusCode: number,
  responseTime: number,
): void {
  const logger = log as unknown as Logger
  if (!logger.isLevelEnabled('info')) return
  writeLine(logger, { reqId: requestId, req: describe(), res: { statusCode }, responseTime, msg: COMPLETED })
}

/**
 * The line as pino writes an info line of `fields` on `logger`: its level, its time (pino's
 * default, milliseconds since the epoch), the logger's bindings (pid, hostname), then the fields.
 * No redaction applies: the fields below never hold a secret, and the path comes without its query.
 */
function writeLine(logger: Logger, fields: Record<string, unknown>): void {
  const internals = logger as unknown as LoggerInternals
  const line = `{"level":${INFO_LEVEL},"time":${Date.now()}${internals[pino.symbols.chindingsSym]},${JSON.stringify(fields).slice(1)}\n`
  internals[pino.symbols.streamSym].write(line)
}

/** What pino keeps under its exported symbols: its bindings as JSON text (`,"pid":…`), its destination. */
interface LoggerInternals {
  [pino.symbols.chindingsSym]: string
  [pino.symbols.streamSym]: { write(line: string): void }
}

/** What the access log says of a request: Fastify's fields, the path without its query, never a header but the version. */
export function accessLogRequest(request: FastifyRequest): Record<string, unknown> {
  return requestInLog(request.method, request.url, request.headers, request.host, request.ip, request.socket?.remotePort)
}

/** The same from its parts (workflow-lane.ts gives them from Node's request): `host` and `address` as Fastify reads them. */
export function requestInLog(
  method: string | undefined,
  url: string,
  headers: IncomingHttpHeaders,
  host: string | undefined,
  address: string | undefined,
  port: number | undefined,
): Record<string, unknown> {
  return { method, url: withoutQuery(url), version: headers['accept-version'], host, remoteAddress: address, remotePort: port }
}

/** A path as logged: a query string may carry a key sent there by mistake, or a customer's comment. */
export function withoutQuery(url: string): string {
  const query = url.indexOf('?')
  return query === -1 ? url : `${url.slice(0, query)}?[Redacted]`
}

/**
 * Fastify's child logger of a request (its id bound), made when something first logs through it:
 * a request answered without an error logs nothing there (its access line is written above), and
 * a child made for each one cost ~1.3 % of the request thread under load.
 */
export function lazyRequestLogger(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return new LazyChildLogger(parent, bindings, options)
}

class LazyChildLogger implements FastifyBaseLogger {
  #made: FastifyBaseLogger | undefined
  readonly #parent: FastifyBaseLogger
  readonly #bindings: Bindings
  readonly #options: ChildLoggerOptions

  constructor(parent: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions) {
    this.#parent = parent
    this.#bindings = bindings
    this.#options = options
  }

  #logger(): FastifyBaseLogger {
    return (this.#made ??= this.#parent.child(this.#bindings, this.#options))
  }

  /**
   * Writes through the child when a line of this level would be written; else writes nothing and
   * makes no child (every request's "incoming request" line is at debug, below the default level).
   * pino's methods read their own `this`: each is called on the child.
   */
  #log(level: LevelMethod, args: unknown[]): void {
    const threshold = LEVEL_VALUES[this.#made?.level ?? this.#options.level ?? this.#parent.level] ?? Infinity
    if ((LEVEL_VALUES[level] ?? Infinity) < threshold) return
    const logger = this.#logger()
    const method = logger[level] as (...args: unknown[]) => void
    method.apply(logger, args)
  }

  get level(): string {
    return this.#logger().level
  }

  set level(level: string) {
    this.#logger().level = level
  }

  fatal(...args: unknown[]): void {
    this.#log('fatal', args)
  }

  error(...args: unknown[]): void {
    this.#log('error', args)
  }

  warn(...args: unknown[]): void {
    this.#log('warn', args)
  }

  info(...args: unknown[]): void {
    this.#log('info', args)
  }

  debug(...args: unknown[]): void {
    this.#log('debug', args)
  }

  trace(...args: unknown[]): void {
    this.#log('trace', args)
  }

  silent(): void {
    // pino's silent level writes nothing.
  }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.#logger().child(bindings, options)
  }
}

type LevelMethod = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace'

/** pino's levels by name (trace 10 … fatal 60); `silent` and any other name: none written. */
const LEVEL_VALUES: Readonly<Record<string, number | undefined>> = pino.levels.values
