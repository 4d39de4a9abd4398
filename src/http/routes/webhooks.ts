// /api/v1/webhooks (SPEC §8): endpoints (create, list, read, change, delete, rotate the secret, ping) and their delivery log.

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { FirehouseError } from '../../domain/errors.js'
import type { ServiceContext } from '../../service/context.js'
import { listDeliveries, pingEndpoint, redeliver } from '../../service/webhooks/deliveries.js'
import { createEndpoint, deleteEndpoint, getEndpoint, listEndpoints, rotateSecret, updateEndpoint } from '../../service/webhooks/endpoints.js'
import type { UrlRules } from '../../service/webhooks/url-rules.js'
import {
  CREATE_WEBHOOK,
  DELETE_WEBHOOK,
  DeliveryListQuery,
  GET_WEBHOOK,
  LIST_WEBHOOK_DELIVERIES,
  LIST_WEBHOOKS,
  REDELIVER_WEBHOOK,
  ROTATE_WEBHOOK_SECRET,
  TEST_WEBHOOK,
  UPDATE_WEBHOOK,
  WEBHOOK_FIELDS,
} from '../schemas/webhooks.js'
import { rejectUnknownQuery, tenantOf } from './api-v1-request.js'

/** Webhook bodies are a few fields. */
const WEBHOOK_BODY_LIMIT = 64 * 1024

export const webhookRoutes: FastifyPluginAsyncTypebox<{ ctx: ServiceContext; urlRules: UrlRules }> = async (app, { ctx, urlRules }) => {
  // JSON only: a text/plain body is 300007 like any other media type.
  app.removeContentTypeParser('text/plain')
  const tenant = (request: FastifyRequest) => ({ id: tenantOf(request) })
  const noQuery = rejectUnknownQuery([])

  app.post('/webhooks', { schema: CREATE_WEBHOOK, bodyLimit: WEBHOOK_BODY_LIMIT, preValidation: [noQuery, strictBody(['url', 'events', 'description', 'exclude_actors'])] }, async (request, reply) => {
    const { url, events, description, exclude_actors: excludeActors } = request.body
    const creator = request.caller?.actor ?? null
    const created = await createEndpoint(ctx, tenant(request), { url, events, description, excludeActors }, creator, urlRules)
    return reply.code(201).send(created)
  })
  app.get('/webhooks', { schema: LIST_WEBHOOKS, preValidation: noQuery }, async (request) => ({ data: await listEndpoints(ctx, tenant(request)) }))
  app.get('/webhooks/:id', { schema: GET_WEBHOOK, preValidation: noQuery }, async (request) => getEndpoint(ctx, tenant(request), request.params.id))
  app.patch('/webhooks/:id', { schema: UPDATE_WEBHOOK, bodyLimit: WEBHOOK_BODY_LIMIT, preValidation: [noQuery, strictBody(WEBHOOK_FIELDS)] }, async (request) => {
    const { url, events, description, exclude_actors: excludeActors, enabled } = request.body
    return updateEndpoint(ctx, tenant(request), request.params.id, { url, events, description, excludeActors, enabled }, urlRules)
  })
  app.delete('/webhooks/:id', { schema: DELETE_WEBHOOK, preValidation: noQuery }, async (request, reply) => {
    await deleteEndpoint(ctx, tenant(request), request.params.id)
    return reply.code(204).send(null)
  })
  app.post('/webhooks/:id/rotate-secret', { schema: ROTATE_WEBHOOK_SECRET, preValidation: noQuery }, async (request) =>
    rotateSecret(ctx, tenant(request), request.params.id),
  )
  app.post('/webhooks/:id/test', { schema: TEST_WEBHOOK, preValidation: noQuery }, async (request, reply) =>
    reply.code(202).send(await pingEndpoint(ctx, tenant(request), request.params.id)),
  )
  app.get('/webhooks/:id/deliveries', { schema: LIST_WEBHOOK_DELIVERIES, preValidation: rejectUnknownQuery(Object.keys(DeliveryListQuery.properties)) }, async (request) => {
    const { status, per_page: perPage, cursor } = request.query
    return listDeliveries(ctx, tenant(request), request.params.id, { status, perPage, cursor })
  })
  app.post('/webhooks/:id/deliveries/:delivery_id/redeliver', { schema: REDELIVER_WEBHOOK, preValidation: noQuery }, async (request, reply) =>
    reply.code(202).send(await redeliver(ctx, tenant(request), request.params.id, request.params.delivery_id)),
  )
}

/**
 * The body is a JSON object of these fields, each of its own type, checked before the schema's
 * validation could coerce or drop anything: an unknown field, `"enabled": "yes"` or an `events`
 * given as a string are 300001, not taken for something else.
 */
function strictBody(known: readonly string[]) {
  return async (request: FastifyRequest): Promise<void> => {
    const body = request.body
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('the body must be a JSON object')
    for (const [name, value] of Object.entries(body)) {
      if (!known.includes(name)) throw invalid(`unknown field ${JSON.stringify(name.slice(0, 100))}`)
      const ok =
        name === 'enabled' ? typeof value === 'boolean'
        : name === 'description' ? typeof value === 'string' || value === null
        : name === 'url' ? typeof value === 'string'
        : Array.isArray(value) && value.every((item) => typeof item === 'string')
      if (!ok) throw invalid(`${name} has the wrong type`)
    }
  }
}

function invalid(reason: string): FirehouseError {
  return new FirehouseError('INVALID_ARGUMENT', `Invalid argument: ${reason}`)
}
