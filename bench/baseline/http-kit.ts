// What both baseline servers share: body reading, strict form parsing, field checks, answers.
// Self-contained on purpose: the baselines import nothing from src/.

import { createHash } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'

const BODY_LIMIT = 64 * 1024
const MAX_COMMENT_CODE_POINTS = 10_000
const FORBIDDEN_IN_COMMENT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Surrogate}/u
const API_KEY = /^api_key[ \t]+(\S{1,200})$/i
const UTF8 = new TextDecoder('utf-8', { fatal: true })

/** The standard v4.1 status words and the phase each means. */
export const STATUS_WORDS: Readonly<Record<string, 'OPEN' | 'PROGRESS' | 'CLOSED'>> = {
  OPEN: 'OPEN',
  'IN-PROGRESS': 'PROGRESS',
  PROGRESS: 'PROGRESS',
  CLOSED: 'CLOSED',
  CLOSE: 'CLOSED',
}

export interface WorkflowCall {
  cgid: number
  status?: string
  comment?: string
  assignedTo?: string
}

/** A refused request: the HTTP status and the v4.1 code. */
export class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message)
  }
}

/** The SHA-256 (hex) of the presented key, the way keys are stored. */
export function presentedKeyHash(header: string | undefined): string {
  const match = API_KEY.exec(header?.trim() ?? '')
  if (!match) throw new Refusal(401, 200000, 'Invalid API key')
  return createHash('sha256').update(match[1]!).digest('hex')
}

export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > BODY_LIMIT) reject(new Refusal(413, 300004, 'Request body too large'))
      else chunks.push(chunk)
    })
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)))
    request.on('error', reject)
  })
}

/** Parses and checks an application/x-www-form-urlencoded v4.1 body (strict UTF-8 and escapes). */
export function parseWorkflowForm(body: Buffer): WorkflowCall {
  let fields: Map<string, string>
  try {
    fields = parsePairs(UTF8.decode(body))
  } catch (error) {
    if (error instanceof Refusal) throw error
    throw new Refusal(400, 300005, 'Malformed request body')
  }
  const cgidText = fields.get('number_customergauge')?.trim()
  if (!cgidText) throw new Refusal(400, 300002, 'Missing required argument: number_customergauge')
  const cgid = /^[0-9]{1,16}$/.test(cgidText) ? Number(cgidText) : NaN
  if (!Number.isSafeInteger(cgid) || cgid < 1) throw new Refusal(400, 300001, 'Invalid argument: number_customergauge')
  const comment = fields.get('comment') || undefined
  if (comment !== undefined) checkComment(comment)
  return {
    cgid,
    status: fields.get('status')?.trim() || undefined,
    comment,
    assignedTo: fields.get('assigned_to')?.trim() || undefined,
  }
}

function parsePairs(text: string): Map<string, string> {
  const fields = new Map<string, string>()
  for (const pair of text.split('&')) {
    if (pair === '') continue
    const equals = pair.indexOf('=')
    const name = decode(equals === -1 ? pair : pair.slice(0, equals))
    if (fields.has(name)) throw new Refusal(400, 300001, `Invalid argument: ${name} is given more than once`)
    fields.set(name, equals === -1 ? '' : decode(pair.slice(equals + 1)))
  }
  return fields
}

function decode(component: string): string {
  return decodeURIComponent(component.replaceAll('+', ' '))
}

function checkComment(comment: string): void {
  if (FORBIDDEN_IN_COMMENT.test(comment)) throw new Refusal(400, 300007, 'comment contains a character that is not allowed')
  let codePoints = 0
  for (const _ of comment) codePoints++
  if (codePoints > MAX_COMMENT_CODE_POINTS) throw new Refusal(400, 300006, 'comment is too long')
}

export function sendData(response: ServerResponse, cgid: number): void {
  send(response, 200, `{"Data":{"number_customergauge":${cgid}}}`)
}

export function sendError(response: ServerResponse, error: unknown): void {
  const refusal = error instanceof Refusal ? error : new Refusal(500, 500000, 'Internal error')
  if (!(error instanceof Refusal)) console.error(error)
  send(response, refusal.status, JSON.stringify({ Error: { code: refusal.code, message: refusal.message } }))
}

function send(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) })
  response.end(body)
}

/** `--name value` flags of a baseline's command line. */
export function flag(name: string, fallback?: string): string {
  const index = process.argv.indexOf(`--${name}`)
  const value = index === -1 ? fallback : process.argv[index + 1]
  if (value === undefined) throw new Error(`--${name} is required`)
  return value
}

/** Stops on SIGINT/SIGTERM after the given cleanup. */
export function stopOnSignal(stop: () => void | Promise<void>): void {
  const handler = (): void => {
    void Promise.resolve(stop()).finally(() => process.exit(0))
  }
  process.once('SIGINT', handler)
  process.once('SIGTERM', handler)
}
