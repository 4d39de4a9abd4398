// /login and /logout: sign-in with the throttle and one answer for every wrong combination (SPEC §7).

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { ServiceContext } from '../../service/context.js'
import type { HashGate } from '../../service/password-hash.js'
import { signIn, signOut } from '../../service/sessions.js'
import { soleTenantSlug } from '../../service/tenants.js'
import { clearSessionCookie, loadPerson, sessionIdOf, setSessionCookie } from '../session.js'
import { LoginPage } from '../views/login-page.js'
import { renderDocument } from '../views/render.js'

export const WRONG_CREDENTIALS = 'Email or password is wrong'
export const TOO_MANY_ATTEMPTS = 'Too many attempts, try again later'
/** Fields are bounded before anything is looked up or hashed. */
const MAX_FIELD_LENGTH = 1024

interface LoginForm {
  workspace?: unknown
  email?: unknown
  password?: unknown
  next?: unknown
}

export const loginRoutes: FastifyPluginAsync<{ ctx: ServiceContext; gate: HashGate; region: string }> = async (app, { ctx, gate, region }) => {
  app.get('/login', async (request, reply) => {
    if (await loadPerson(ctx, request)) return reply.redirect(safeNext(queryNext(request)), 303)
    const workspace = (await soleTenantSlug(ctx, region)) ?? ''
    return sendLogin(reply, 200, { workspace, email: '', next: safeNext(queryNext(request)) })
  })

  app.post('/login', async (request, reply) => {
    const form = (request.body ?? {}) as LoginForm
    const next = safeNext(field(form.next))
    const credentials = { region, workspace: field(form.workspace), email: field(form.email), password: field(form.password) }
    const result = await signIn(ctx, gate, credentials)
    if (result.outcome === 'signed-in') {
      setSessionCookie(request, reply, result.sessionId)
      return reply.redirect(next, 303)
    }
    // The form comes back empty (but for a sole workspace), so every wrong combination gets the
    // very same body: nothing in it tells which part was wrong.
    const blank = { workspace: (await soleTenantSlug(ctx, region)) ?? '', email: '', next }
    if (result.outcome === 'throttled') {
      reply.header('retry-after', String(result.retryAfterS))
      return sendLogin(reply, 429, { ...blank, error: TOO_MANY_ATTEMPTS })
    }
    return sendLogin(reply, 401, { ...blank, error: WRONG_CREDENTIALS })
  })

  app.post('/logout', async (request, reply) => {
    const sessionId = sessionIdOf(request)
    const person = sessionId ? await loadPerson(ctx, request) : null
    // Signing out needs the session's own token: another site cannot sign a person out.
    const body = (request.body ?? {}) as { _csrf?: unknown }
    if (sessionId && person && body._csrf === person.session.csrf_token) await signOut(ctx, sessionId)
    clearSessionCookie(request, reply)
    return reply.redirect('/login', 303)
  })
}

function sendLogin(reply: FastifyReply, status: number, props: Parameters<typeof LoginPage>[0]) {
  return reply.code(status).type('text/html; charset=utf-8').send(renderDocument(LoginPage(props)))
}

function field(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, MAX_FIELD_LENGTH) : ''
}

function queryNext(request: FastifyRequest): string {
  return field((request.query as { next?: unknown }).next)
}

/** Only a path of this server: never another host (`//evil`, `/\evil`), so sign-in is no open redirect. */
export function safeNext(next: string): string {
  return /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.startsWith('/login') ? next : '/board'
}
