// /settings (SPEC §7): admins only, for their own tenant; each form posts, then redirects back (303)
// or shows the page again with the refusal; a new API key is shown on its answer page, once.

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { FirehouseError, isFirehouseError } from '../../domain/errors.js'
import { createApiKey, revokeApiKey } from '../../service/api-keys.js'
import type { ServiceContext } from '../../service/context.js'
import {
  addUserWithPassword,
  deactivateKeepingAnAdmin,
  loadSettings,
  parseSlaHours,
  replaceStatusTable,
  requireAdmin,
  rulesFromForm,
  setRoleKeepingAnAdmin,
  type AdminTenant,
} from '../../service/settings.js'
import { setExtendedStatuses, setSlaTargets } from '../../service/tenants.js'
import { setPassword } from '../../service/users.js'
import { setWorkflowRules } from '../../service/workflow-rules.js'
import { httpStatusFor } from '../../http/errors.js'
import { sendHtml } from '../html.js'
import { personOf, viewerOf } from '../viewer.js'
import { SettingsPage, type SettingsPageProps } from '../views/settings-page.js'
import { isSettingsFormId, SETTINGS_FORMS, type SettingsFormId } from '../views/settings/settings-form.js'

type Fields = Record<string, string>
/** A form's work; it may name where to go next instead of back to the form. */
type FormAction = (fields: Fields, tenant: AdminTenant, request: FastifyRequest) => Promise<string | void>

export const settingsRoutes: FastifyPluginAsync<{ ctx: ServiceContext }> = async (app, { ctx }) => {
  // After the session hook, so the role is the one read with the session on this very request.
  app.addHook('preHandler', async (request, reply) => {
    reply.header('cache-control', 'no-store')
    requireAdmin(personOf(request).user.role)
  })

  app.get('/settings', async (request, reply) => {
    const saved = (request.query as Record<string, unknown>).saved
    return sendSettings(ctx, request, reply, 200, { notice: isSettingsFormId(saved) ? SETTINGS_FORMS[saved].saved : undefined })
  })

  const post = (path: string, form: SettingsFormId, action: FormAction) =>
    app.post(path, async (request, reply) => {
      const fields = formFields(request)
      let next: string | void
      try {
        next = await action(fields, tenantOf(request), request)
      } catch (error) {
        return sendRefusal(ctx, request, reply, form, fields, error)
      }
      return reply.redirect(next ?? `/settings?saved=${form}#${SETTINGS_FORMS[form].section}`, 303)
    })

  post('/settings/users', 'add-user', (f, tenant) =>
    addUserWithPassword(ctx, tenant, { email: f.email ?? '', name: f.name ?? '', role: f.role ?? '', password: f.password ?? '' }),
  )
  post('/settings/users/role', 'set-role', async (f, tenant, request) => {
    await setRoleKeepingAnAdmin(ctx, tenant, f.email ?? '', f.role ?? '')
    // An admin who made themselves an agent may no longer see this page: the board is where they go.
    if (isSelf(request, f.email) && f.role !== 'admin') return '/board'
  })
  post('/settings/users/deactivate', 'deactivate', (f, tenant) => deactivateKeepingAnAdmin(ctx, tenant, f.email ?? ''))
  post('/settings/users/password', 'set-password', (f, tenant) => setPassword(ctx, tenant.slug, required(f, 'email'), f.password ?? ''))
  post('/settings/keys/revoke', 'revoke-key', async (f, tenant) => void (await revokeApiKey(ctx, tenant.slug, required(f, 'id'))))
  post('/settings/statuses/enabled', 'statuses-enabled', (f, tenant) => setExtendedStatuses(ctx, { id: tenant.id }, parseSwitch(f.enabled)))
  post('/settings/statuses', 'statuses-table', (f, tenant) => replaceStatusTable(ctx, tenant, f.table ?? ''))
  post('/settings/sla', 'sla', (f, tenant) =>
    setSlaTargets(ctx, { id: tenant.id }, {
      followUpHours: parseSlaHours(f.follow_up_hours ?? '', 'Follow up within'),
      closeHours: parseSlaHours(f.close_hours ?? '', 'Close within'),
    }),
  )
  // The preHandler let only admins this far.
  post('/settings/rules', 'rules', async (f, tenant) => void (await setWorkflowRules(ctx, { id: tenant.id }, rulesFromForm(f), true)))

  // Not a redirect: the key exists only in this answer (the server keeps its hash), so it is shown here, once.
  app.post('/settings/keys', async (request, reply) => {
    const fields = formFields(request)
    const label = (fields.label ?? '').trim()
    const created = await createApiKey(ctx, tenantOf(request).slug, label === '' ? undefined : label, { admin: fields.admin === '1' })
    return sendSettings(ctx, request, reply, 200, { newKey: { key: created.key, label: created.info.label } })
  })
}

async function sendSettings(
  ctx: ServiceContext,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  extra: Omit<SettingsPageProps, 'viewer' | 'data'>,
) {
  const data = await loadSettings(ctx, tenantOf(request))
  return sendHtml(reply, status, SettingsPage({ viewer: viewerOf(request)!, data, ...extra }))
}

/** A refused input: the page again with the message above its form and what was typed (4xx); anything else is the error page's. */
function sendRefusal(ctx: ServiceContext, request: FastifyRequest, reply: FastifyReply, form: SettingsFormId, fields: Fields, error: unknown) {
  if (!isFirehouseError(error) || httpStatusFor(error.code, 'api') >= 500) throw error
  const { _csrf, password, ...draft } = fields
  return sendSettings(ctx, request, reply, httpStatusFor(error.code, 'api'), { refusal: { form, code: error.code, message: error.message, draft } })
}

/** The tenant is the session's, never a form's: every write is for the signed-in admin's own tenant. */
function tenantOf(request: FastifyRequest): AdminTenant {
  const { tenant } = personOf(request)
  return { id: tenant.id, slug: tenant.slug }
}

function isSelf(request: FastifyRequest, email: string | undefined): boolean {
  return (email ?? '').trim().toLowerCase() === personOf(request).user.email.toLowerCase()
}

/** The form's text fields; a field sent twice is refused rather than one of its values picked. */
function formFields(request: FastifyRequest): Fields {
  const body = (request.body ?? {}) as Record<string, unknown>
  const fields: Fields = {}
  for (const [name, value] of Object.entries(body)) {
    if (Array.isArray(value)) throw new FirehouseError('INVALID_ARGUMENT', `${name.slice(0, 40)} is given twice`)
    if (typeof value === 'string') fields[name] = value
  }
  return fields
}

function required(fields: Fields, name: string): string {
  const value = (fields[name] ?? '').trim()
  if (value === '') throw new FirehouseError('INVALID_ARGUMENT', `${name} is missing`)
  return value
}

function parseSwitch(value: string | undefined): boolean {
  if (value === '1' || value === '0') return value === '1'
  throw new FirehouseError('INVALID_ARGUMENT', 'enabled must be 1 (on) or 0 (off)')
}
