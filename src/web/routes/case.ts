// /cases/<cgid>: the case page and its form, saved through the same service function as v4.1 (SPEC §7).

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { ERROR_CODES, FirehouseError, isFirehouseError } from '../../domain/errors.js'
import { MAX_CGID } from '../../domain/workflow-input.js'
import { loadCasePage, saveCaseForm, type Person } from '../../service/case-page.js'
import type { ServiceContext } from '../../service/context.js'
import { httpStatusFor } from '../../http/errors.js'
import { isFragmentRequest, sendHtml } from '../html.js'
import { personOf, viewerOf } from '../viewer.js'
import { CaseLive, CasePage } from '../views/case-page.js'

type CaseParams = { cgid: string }

export const caseRoutes: FastifyPluginAsync<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  app.get<{ Params: CaseParams }>('/cases/:cgid', async (request, reply) => {
    const cgid = parseCgid(request.params.cgid)
    const data = await loadCasePage(ctx, personInfo(request), cgid)
    if (isFragmentRequest(request)) return sendHtml(reply, 200, CaseLive({ data, now: ctx.now() }), 'fragment')
    return sendHtml(reply, 200, CasePage({ viewer: viewerOf(request)!, data, now: ctx.now() }))
  })

  app.post<{ Params: CaseParams }>('/cases/:cgid', async (request, reply) => {
    const cgid = parseCgid(request.params.cgid)
    const body = (request.body ?? {}) as Record<string, unknown>
    const form = {
      status: text(body.status),
      assignedTo: text(body.assigned_to),
      comment: text(body.comment),
      version: Number(/^\d{1,9}$/.test(text(body.version)) ? text(body.version) : NaN),
    }
    if (!Number.isInteger(form.version)) throw new FirehouseError('INVALID_ARGUMENT', 'The form has no version: reload the page')
    try {
      await saveCaseForm(ctx, personInfo(request), cgid, form)
    } catch (error) {
      if (!isFirehouseError(error) || httpStatusFor(error.code, 'api') >= 500 || error.code === ERROR_CODES.WORKFLOW_NOT_FOUND) throw error
      return sendRefusal(ctx, request, reply, cgid, error, form)
    }
    return reply.redirect(`/cases/${cgid}`, 303)
  })
}

/** The page again, with the refusal's message, what changed since (409) and what the person typed. */
async function sendRefusal(
  ctx: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
  cgid: number,
  error: FirehouseError,
  form: { status: string; assignedTo: string; comment: string; version: number },
) {
  const data = await loadCasePage(ctx, personInfo(request), cgid)
  const conflict = error.code === ERROR_CODES.VERSION_CONFLICT
  const changedSince = conflict ? data.case.history.filter((entry) => entry.seq > form.version) : undefined
  // After a conflict the form shows the case as it now is; the comment typed is kept either way.
  const draft = conflict ? { status: '', assignedTo: data.case.assigned_to ?? '', comment: form.comment } : form
  if (conflict) draft.status = data.case.status_code === null ? (data.case.status ?? '') : String(data.case.status_code)
  const page = CasePage({ viewer: viewerOf(request)!, data, now: ctx.now(), error: { message: error.message, code: error.code }, changedSince, draft })
  return sendHtml(reply, httpStatusFor(error.code, 'api'), page)
}

function personInfo(request: FastifyRequest): Person {
  const person = personOf(request)
  return { tenantId: person.tenant.id, tenantSlug: person.tenant.slug, email: person.user.email }
}

/** A CG-ID as the API takes it; anything else is a case that does not exist (404). */
function parseCgid(raw: string): number {
  const cgid = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN
  if (!(cgid >= 1 && cgid <= MAX_CGID)) throw new FirehouseError('WORKFLOW_NOT_FOUND', 'Workflow not found')
  return cgid
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : ''
}
