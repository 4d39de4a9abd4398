// A v4.1 call's fields: the query string's, then the body's by its Content-Type.

import type { FastifyRequest } from 'fastify'
import { FirehouseError } from '../../domain/errors.js'
import type { RawField } from '../../domain/workflow-input.js'
import { parseFormUrlencoded } from './form-urlencoded.js'
import { parseJsonFields } from './json-fields.js'
import { parseMultipartFields } from './multipart.js'

/** The Content-Types a v4.1 body may have. */
export const BODY_MEDIA_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'application/json'] as const

export async function readWorkflowFields(request: FastifyRequest): Promise<RawField[]> {
  const fields = queryFields(request.url)
  const body = request.body
  if (!Buffer.isBuffer(body) || body.length === 0) return fields
  const contentType = request.headers['content-type'] ?? ''
  return fields.concat(await bodyFields(body, contentType))
}

function queryFields(url: string): RawField[] {
  const query = url.indexOf('?')
  if (query === -1) return []
  // The request line's raw bytes reach us one character a byte.
  return parseFormUrlencoded(Buffer.from(url.slice(query + 1), 'latin1'), 'query string')
}

/** A body's fields, by its Content-Type (300007 for another media type). */
export async function bodyFields(body: Buffer, contentType: string): Promise<RawField[]> {
  const mediaType = contentType.split(';', 1)[0]?.trim().toLowerCase()
  switch (mediaType) {
    case 'application/x-www-form-urlencoded':
      return parseFormUrlencoded(body, 'body')
    case 'multipart/form-data':
      return parseMultipartFields(body, contentType)
    case 'application/json':
      return parseJsonFields(body)
    default:
      throw new FirehouseError('UNSUPPORTED_MEDIA_TYPE', `Unsupported Content-Type: ${String(mediaType).slice(0, 100)}`)
  }
}
