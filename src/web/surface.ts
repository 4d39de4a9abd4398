// The board (SPEC §7) as one encapsulated Fastify plugin: cookies, form bodies, security headers,
// sessions, the CSRF and origin checks, HTML error pages, and every page's routes.

import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import helmet from '@fastify/helmet'
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { FirehouseError } from '../domain/errors.js'
import type { ServiceContext } from '../service/context.js'
import { createHashGate } from '../service/password-hash.js'
import { unavailableOr } from '../service/transaction.js'
import { asFirehouseError, httpStatusFor } from '../http/errors.js'
import { carriesCsrfToken, comesFromOwnOrigin } from './csrf.js'
import { assetRoutes } from './routes/assets.js'
import { boardRoutes } from './routes/board.js'
import { caseRoutes } from './routes/case.js'
import { insightsRoutes } from './routes/insights.js'
import { liveRoutes } from './routes/live.js'
import { loginRoutes } from './routes/login.js'
import { settingsRoutes } from './routes/settings.js'
import { loadPerson } from './session.js'
import { viewerOf } from './viewer.js'
import { MessagePage } from './views/message-page.js'
import { renderDocument } from './views/render.js'

export interface WebOptions {
  ctx: ServiceContext
  region: string
}

/** Form bodies of the board are small: a comment is at most 10,000 characters. */
const FORM_BODY_LIMIT = 64 * 1024
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export const webSurface: FastifyPluginAsync<WebOptions> = async (app, { ctx, region }) => {
  await app.register(cookie)
  await app.register(formbody, { bodyLimit: FORM_BODY_LIMIT })
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        objectSrc: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'same-origin' },
    frameguard: { action: 'deny' },
    // HSTS is the TLS terminator's to send; a plain-HTTP self-hosted server must not pin HTTPS.
    strictTransportSecurity: false,
  })
  app.decorateRequest('person', null)
  app.setErrorHandler((error: FastifyError, request, reply) => sendErrorPage(request, reply, unavailableOr(ctx, error)))
  app.addHook('preHandler', (request, reply, done) => {
    if (!STATE_CHANGING.has(request.method)) return done()
    if (!comesFromOwnOrigin(request)) return done(new FirehouseError('FORBIDDEN', 'Forbidden: this request came from another site'))
    done()
  })
  await app.register(assetRoutes)
  await app.register(loginRoutes, { ctx, region, gate: createHashGate() })
  await app.register(signedInRoutes, { ctx, region })
}

/** Every page but sign-in and assets: a live session first, then the CSRF token on state changes. */
const signedInRoutes: FastifyPluginAsync<WebOptions> = async (app, { ctx }) => {
  app.addHook('preHandler', async (request, reply) => {
    const person = await loadPerson(ctx, request)
    if (!person) {
      if (request.method === 'GET') return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303)
      throw new FirehouseError('FORBIDDEN', 'Forbidden: sign in again')
    }
    if (STATE_CHANGING.has(request.method) && !carriesCsrfToken(request, person.session.csrf_token)) {
      throw new FirehouseError('FORBIDDEN', 'Forbidden: the form has expired, reload the page and try again')
    }
  })
  app.get('/', async (_request, reply) => reply.redirect('/board', 303))
  await app.register(boardRoutes, { ctx })
  await app.register(caseRoutes, { ctx })
  await app.register(liveRoutes, { ctx })
  await app.register(insightsRoutes, { ctx })
  await app.register(settingsRoutes, { ctx })
}

const PAGE_TITLES: Record<number, string> = { 403: 'Forbidden', 404: 'Not found', 409: 'Conflict', 503: 'Unavailable' }

/** Errors as an HTML page: the SPEC message for known ones, only the request id for the rest. */
export function sendErrorPage(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  let known = asFirehouseError(error)
  if (!known) {
    request.log.error({ err: error }, 'internal error')
    known = new FirehouseError('INTERNAL', `Internal error (request id ${request.id})`)
  }
  const status = httpStatusFor(known.code, 'api')
  if (known.details.retryAfter !== undefined) reply.header('retry-after', String(known.details.retryAfter))
  const title = PAGE_TITLES[status] ?? (status >= 500 ? 'Something went wrong' : 'Cannot do that')
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .send(renderDocument(MessagePage({ title, message: known.message, viewer: viewerOf(request) })))
}

