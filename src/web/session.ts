// The board's session cookie: reading it on every page, and setting or clearing it (SPEC §7).

import type {} from '@fastify/cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ServiceContext } from '../service/context.js'
import { resolveSession, SESSION_MAX_AGE_MS, type SessionOwner } from '../service/sessions.js'

export const SESSION_COOKIE = 'fh_session'

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in person of a board page; null when not signed in (or before the hook ran). */
    person: SessionOwner | null
  }
}

export function sessionIdOf(request: FastifyRequest): string | undefined {
  return request.cookies[SESSION_COOKIE]
}

export async function loadPerson(ctx: ServiceContext, request: FastifyRequest): Promise<SessionOwner | null> {
  const sessionId = sessionIdOf(request)
  request.person = sessionId ? await resolveSession(ctx, sessionId) : null
  return request.person
}

/** HttpOnly, SameSite=Lax, Path=/, Secure when reached over HTTPS (behind a proxy: with trust-proxy set). */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, sessionId: string): void {
  reply.setCookie(SESSION_COOKIE, sessionId, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: request.protocol === 'https',
    maxAge: SESSION_MAX_AGE_MS / 1000,
  })
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', path: '/', secure: request.protocol === 'https' })
}
