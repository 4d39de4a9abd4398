// Reads an HTTP answer of either surface: the v4.1 envelope (JSON or XML), native JSON, or the error it carries.

import { parseFlatXml } from './flat-xml.js'
import type { WireFormat } from './options.js'
import { CLIENT_ERROR_CODE, WorkflowApiError } from './workflow-api-error.js'

/**
 * An answer as received: status, headers and the whole body as text.
 *
 * @example
 * const answer: WireAnswer = { status: 200, headers: new Headers(), text: '{"Data":{"number_customergauge":12}}', attempts: 1 }
 */
export interface WireAnswer {
  status: number
  headers: Headers
  text: string
  /** Which attempt of the call this answer came from (1 for the first). */
  attempts: number
}

/**
 * A v4.1 envelope: `{"Data":{…}}` / `<Data>…</Data>`, or `{"Error":{"Message","Code"}}` / `<Error>…</Error>`.
 *
 * @example
 * const envelope: Envelope = { kind: 'error', code: 400200, message: 'Workflow not found' }
 */
export type Envelope = { kind: 'data'; fields: Record<string, unknown> } | { kind: 'error'; code: number; message: string }

/**
 * Parses an envelope in either format; undefined when the text is not one.
 *
 * @example
 * parseEnvelope('<Data><number_customergauge>12</number_customergauge></Data>', 'xml')
 * // { kind: 'data', fields: { number_customergauge: '12' } }
 */
export function parseEnvelope(text: string, format: WireFormat): Envelope | undefined {
  const parsed = format === 'xml' ? parseFlatXml(text) : fromJson(text)
  if (!parsed) return undefined
  if (parsed.root === 'Data') return { kind: 'data', fields: parsed.fields }
  const { Code: code, Message: message } = parsed.fields
  const number = typeof code === 'string' && /^\d+$/.test(code) ? Number(code) : code
  if (parsed.root !== 'Error' || !Number.isSafeInteger(number) || typeof message !== 'string') return undefined
  return { kind: 'error', code: number as number, message }
}

/**
 * The result of a v4.1 workflow call, or the WorkflowApiError its answer stands for.
 *
 * @example
 * readWorkflowAnswer(answer, 'json') // { numberCustomergauge: 12 }
 */
export function readWorkflowAnswer(answer: WireAnswer, format: WireFormat): { numberCustomergauge: number } {
  const envelope = parseEnvelope(answer.text, format)
  if (!isSuccess(answer.status) || envelope?.kind !== 'data') throw answerError(answer, envelope)
  const raw = envelope.fields.number_customergauge
  const cgid = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw
  if (!Number.isSafeInteger(cgid)) throw answerError(answer, undefined)
  return { numberCustomergauge: cgid as number }
}

/**
 * The parsed body of a native-API (`/api/v1`) answer, or the WorkflowApiError it stands for.
 *
 * @example
 * const body = readJsonAnswer(answer) as CaseJson
 */
export function readJsonAnswer(answer: WireAnswer): unknown {
  if (!isSuccess(answer.status)) throw answerError(answer, parseEnvelope(answer.text, 'json'))
  try {
    return JSON.parse(answer.text) as unknown
  } catch {
    throw answerError(answer, undefined)
  }
}

/**
 * The error an answer stands for: the envelope's code and message, or a client-side `http` error.
 *
 * @example
 * throw answerError(answer, parseEnvelope(answer.text, 'json'))
 */
export function answerError(answer: WireAnswer, envelope: Envelope | undefined): WorkflowApiError {
  const common = { status: answer.status, attempts: answer.attempts, retryAfterMs: retryAfterMs(answer.headers.get('retry-after')) }
  if (envelope?.kind === 'error') return new WorkflowApiError({ ...common, kind: 'api', code: envelope.code, message: envelope.message })
  return new WorkflowApiError({
    ...common,
    kind: 'http',
    code: CLIENT_ERROR_CODE,
    message: `Unexpected answer: HTTP ${answer.status} without a Workflow API envelope`,
  })
}

/**
 * A `Retry-After` header (seconds, or an HTTP date) as milliseconds from now.
 *
 * @example
 * retryAfterMs('2') // 2000
 */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined
  const value = header.trim()
  if (/^\d+$/.test(value)) return Number(value) * 1000
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300
}

function fromJson(text: string): { root: string; fields: Record<string, unknown> } | undefined {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!isObject(body)) return undefined
  const keys = Object.keys(body)
  const fields = body[keys[0] ?? '']
  return keys.length === 1 && isObject(fields) ? { root: keys[0]!, fields } : undefined
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
