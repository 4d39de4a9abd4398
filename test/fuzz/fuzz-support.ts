// What the fuzz suites share: raw TCP requests, the answer oracle (SPEC §1/§5, docs/errors.md), XML checks, data checksums.

import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { connect } from 'node:net'
import { XMLValidator } from 'fast-xml-parser'
import { listCases } from '../../src/service/case-feed.js'
import type { ServiceContext } from '../../src/service/context.js'
import { showRecord } from '../../src/service/record-view.js'
import { getTenant } from '../../src/service/tenants.js'
import { apiStatusOf } from '../helpers/api-v1.js'
import { readTenantRows } from '../helpers/raw-tables.js'
import { SPEC_HTTP_STATUS, assertNoLeak, type TestServer } from '../helpers/server.js'

/** The codes docs/errors.md lists (written out, not imported from src). */
export const DOCUMENTED_CODES: ReadonlySet<number> = new Set(Object.keys(SPEC_HTTP_STATUS).map(Number))

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
export const JSON_TYPE = 'application/json; charset=utf-8'
export const XML_TYPE = 'application/xml; charset=utf-8'

export interface RawRequest {
  method: string
  /** The request-target exactly as sent (latin1, one character a byte). */
  target: string
  headers: ReadonlyArray<readonly [string, string]>
  body?: Uint8Array
}

export interface Answer {
  status: number
  /** Lower-cased names; repeated headers joined with ', '. */
  headers: Record<string, string>
  body: Buffer
  text: string
}

/** The request's bytes: request line, Host, the given headers, Content-Length, Connection: close. */
export function requestBytes(request: RawRequest): Buffer {
  const lines = [`${request.method} ${request.target} HTTP/1.1`, 'Host: 127.0.0.1']
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`)
  if (request.body !== undefined) lines.push(`Content-Length: ${request.body.length}`)
  lines.push('Connection: close', '', '')
  return Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), Buffer.from(request.body ?? new Uint8Array(0))])
}

/** Sends bytes over a fresh TCP connection and parses the single answer (the server closes after it). */
export function sendRaw(server: Pick<TestServer, 'url'>, bytes: Uint8Array): Promise<Answer> {
  const { hostname, port } = new URL(server.url)
  return new Promise((resolve, reject) => {
    // No half-close after the request: Node's server drops a half-closed connection whose answer is
    // still being computed. The server closes it after answering (Connection: close).
    const socket = connect(Number(port), hostname, () => socket.write(bytes))
    const chunks: Buffer[] = []
    socket.setTimeout(20_000, () => socket.destroy(new Error('no answer within 20 s')))
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    // The server may close while we still write (it answered early): the answer is still there.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ECONNRESET') reject(error)
    })
    socket.on('close', () => {
      try {
        resolve(parseAnswer(Buffer.concat(chunks)))
      } catch (error) {
        reject(error)
      }
    })
  })
}

export function send(server: Pick<TestServer, 'url'>, request: RawRequest): Promise<Answer> {
  return sendRaw(server, requestBytes(request))
}

function parseAnswer(raw: Buffer): Answer {
  const end = raw.indexOf('\r\n\r\n')
  assert.ok(end > 0, `no complete answer: ${JSON.stringify(raw.toString('latin1').slice(0, 200))}`)
  const [statusLine = '', ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n')
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1])
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`
  }
  let body = raw.subarray(end + 4)
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') body = dechunk(body)
  else if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']))
  return { status, headers, body, text: body.toString('utf8') }
}

function dechunk(body: Buffer): Buffer {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at)
    const size = parseInt(body.subarray(at, lineEnd).toString('latin1'), 16)
    if (!(size > 0)) return Buffer.concat(parts)
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size))
    at = lineEnd + 2 + size + 2
  }
}

/** I3: well-formed XML 1.0 that declares UTF-8. */
export function assertWellFormedXml(text: string): void {
  assert.ok(text.startsWith(XML_DECLARATION), `no UTF-8 XML declaration: ${text.slice(0, 200)}`)
  const valid = XMLValidator.validate(text)
  assert.equal(valid, true, `not well-formed XML (${JSON.stringify(valid)}): ${text.slice(0, 300)}`)
}

/** The error envelope's code, from a JSON or XML answer. */
export function envelopeCode(text: string, xml: boolean): number {
  if (xml) {
    const match = /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error><Message>[^<]+<\/Message><Code>(\d+)<\/Code><\/Error>$/.exec(text)
    assert.ok(match, `not the XML error envelope: ${text.slice(0, 300)}`)
    return Number(match[1])
  }
  const body = JSON.parse(text) as { Error?: { Message?: unknown; Code?: unknown } }
  assert.deepEqual(Object.keys(body), ['Error'], `not the JSON error envelope: ${text.slice(0, 300)}`)
  assert.deepEqual(Object.keys(body.Error ?? {}), ['Message', 'Code'], text.slice(0, 300))
  assert.equal(typeof body.Error?.Message, 'string')
  assert.notEqual(body.Error?.Message, '')
  return body.Error?.Code as number
}

/** The path part of a request-target (origin or absolute form), as Fastify routes it. */
export function pathOf(target: string): string {
  const path = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split('?', 1)[0] ?? ''
  return path === '' ? '/' : path
}

export interface Verdict {
  /** The error code, or null for a success. */
  code: number | null
  xml: boolean
}

const API_PREFIX = /^\/api\/v1(\/|$)/
/** The board's paths (SPEC §7): HTML pages, redirects to sign-in, /live's JSON, the assets. */
const BOARD_PATH = /^\/(login|logout|board|cases\/[^/]*|insights|settings(\/[^/]*)*|live|assets\/[^/]*)?$/
const BOARD_TYPES = /^(text\/html|application\/json|text\/css|text\/javascript); charset=utf-8$/
const METHODS_WITHOUT_BODY = new Set(['HEAD'])

/**
 * The board's answers: a redirect to one of the server's own paths, or a page in a type it serves;
 * an error is an HTML page (code -1: any error), so a refused POST must still change nothing.
 */
function checkBoardAnswer(request: Pick<RawRequest, 'method'>, answer: Answer, where: string): Verdict {
  if (answer.status >= 300 && answer.status < 400) {
    assert.match(answer.headers.location ?? '', /^\/(?![/\\])/, `redirect elsewhere: ${where}`)
    return { code: null, xml: false }
  }
  assert.match(answer.headers['content-type'] ?? '', BOARD_TYPES, where)
  if (answer.status < 400) return { code: null, xml: false }
  if (METHODS_WITHOUT_BODY.has(request.method)) return { code: -1, xml: false }
  return { code: answer.headers['content-type'] === JSON_TYPE ? checkAnswerEnvelope(answer, where) : -1, xml: false }
}

/** A JSON error envelope with a documented code (the board's paths answer unknown methods as the API does). */
function checkAnswerEnvelope(answer: Answer, where: string): number {
  const code = envelopeCode(answer.text, false)
  assert.ok(DOCUMENTED_CODES.has(code), `undocumented code ${code}: ${where}`)
  return code
}

/**
 * S13's oracle for any answer: never 5xx, no X-Powered-By, no leak; the format the path asks for
 * (XML for .xml paths outside /api/v1, JSON otherwise, except /metrics' text); an error is the
 * envelope with a documented code and the HTTP status that code has on that surface.
 */
export function checkAnswer(request: Pick<RawRequest, 'method' | 'target'>, answer: Answer, options: { brokenRequestLine?: boolean } = {}): Verdict {
  const where = `${request.method} ${request.target.slice(0, 200)} → ${answer.status} ${answer.text.slice(0, 300)}`
  assert.ok(answer.status >= 200 && answer.status < 500, `HTTP ${answer.status}: ${where}`)
  assert.equal(answer.headers['x-powered-by'], undefined, where)
  const path = pathOf(request.target)
  // /metrics' HELP lines name the engine on purpose ("SQLite: one connection"): operator text, not a leak.
  assertNoLeak(path === '/metrics' ? answer.text.replace(/^# HELP .*$/gm, '') : answer.text)
  const api = API_PREFIX.test(path)
  const contentType = answer.headers['content-type']
  if (BOARD_PATH.test(path)) return checkBoardAnswer(request, answer, where)
  // A request line that does not parse names no path: either format will do, if it is what the answer says.
  const xml = options.brokenRequestLine ? contentType === XML_TYPE : !api && path.toLowerCase().endsWith('.xml')
  if (answer.status < 400 && path === '/metrics') {
    assert.match(contentType ?? '', /^text\/plain; version=0\.0\.4; charset=utf-8$/, where)
    return { code: null, xml: false }
  }
  assert.equal(contentType, xml ? XML_TYPE : JSON_TYPE, `Content-Type ${contentType}: ${where}`)
  if (METHODS_WITHOUT_BODY.has(request.method)) return { code: answer.status < 400 ? null : -1, xml }
  if (xml) assertWellFormedXml(answer.text)
  else JSON.parse(answer.text)
  if (answer.status < 400) return { code: null, xml }
  const code = envelopeCode(answer.text, xml)
  assert.ok(DOCUMENTED_CODES.has(code), `undocumented code ${code}: ${where}`)
  const expected = path.startsWith('/v4.1/') ? SPEC_HTTP_STATUS[code] : apiStatusOf(code)
  assert.equal(answer.status, expected, `code ${code} on HTTP ${answer.status}: ${where}`)
  if (code === 300003) assert.ok(answer.headers.allow, `405 without Allow: ${where}`)
  if (code === 300008 || code === 503000) assert.match(answer.headers['retry-after'] ?? '', /^\d+$/, where)
  return { code, xml }
}

/**
 * A checksum of everything the tenant's cases show (state and full history) and of the given
 * records, read through the service layer (the feed's code path, without HTTP's cost), and of the
 * tenant's raw rows: its change sequence, every case, history entry, idempotency key and record, as
 * stored. A refused call that bumped the sequence or left a history row the views do not show
 * changes it too.
 */
export async function tenantChecksum(ctx: ServiceContext, slug: string, recordIds: readonly number[] = []): Promise<string> {
  const hash = createHash('sha256')
  hash.update(JSON.stringify(await readTenantRows(ctx, slug)))
  const tenant = await getTenant(ctx, slug)
  const feed = await listCases(ctx, tenant.id, { perPage: 1000 })
  assert.equal(feed.end_of_stream, true, 'more than 1000 cases')
  hash.update(JSON.stringify(feed))
  for (const cgid of recordIds) {
    hash.update(JSON.stringify(await showRecord(ctx, { id: tenant.id }, cgid).catch((error: unknown) => String(error))))
  }
  return hash.digest('hex')
}

/** Counts how often each value occurs, for the t.diagnostic lines. */
export function tally(counts: Map<string, number>, value: string | number): void {
  counts.set(String(value), (counts.get(String(value)) ?? 0) + 1)
}

export function describeTally(counts: Map<string, number>): string {
  return [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([value, count]) => `${value}×${count}`).join(' ')
}
