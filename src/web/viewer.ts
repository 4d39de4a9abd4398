// The signed-in person as the page templates see them.

import type { FastifyRequest } from 'fastify'
import type { Viewer } from './views/layout.js'

export function viewerOf(request: FastifyRequest): Viewer | null {
  const person = request.person
  if (!person) return null
  return {
    email: person.user.email,
    name: person.user.name,
    role: person.user.role,
    workspace: person.tenant.slug,
    csrfToken: person.session.csrf_token,
  }
}

/** The signed-in person; board routes run behind the session hook, so one is always there. */
export function personOf(request: FastifyRequest) {
  if (!request.person) throw new Error('a board route ran without a session')
  return request.person
}
