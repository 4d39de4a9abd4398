// Sending pages and fragments, and telling the live refresh's requests from a browser's.

import type { FastifyReply, FastifyRequest } from 'fastify'
import type { VNode } from 'preact'
import { renderDocument, renderFragment } from './views/render.js'

/** live.js asks for the part of a page it swaps in with this header. */
export const FRAGMENT_HEADER = 'x-firehouse-fragment'

export function isFragmentRequest(request: FastifyRequest): boolean {
  return request.headers[FRAGMENT_HEADER] === '1'
}

export function sendHtml(reply: FastifyReply, status: number, view: VNode, kind: 'document' | 'fragment' = 'document') {
  const body = kind === 'document' ? renderDocument(view) : renderFragment(view)
  return reply.code(status).type('text/html; charset=utf-8').send(body)
}
