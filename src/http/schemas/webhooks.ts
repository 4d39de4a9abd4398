// TypeBox schemas of /api/v1/webhooks (SPEC §8): they validate params and queries, serialise answers and feed /openapi.json.

import { Type, type TSchema } from '@sinclair/typebox'
import { EVENT_TYPES } from '../../domain/webhook-events.js'
import { json } from './api-v1.js'
import { CgidInteger, Instant, JSON_ANSWERS, KEYED_ERRORS, Nullable, errorAnswers, limitedNoContent, ref, type ErrorStatus } from './common.js'

const EventTypeOrAll = Type.Union([...EVENT_TYPES.map((type) => Type.Literal(type)), Type.Literal('*')])

const WEBHOOK_PROPERTIES = {
  id: Type.String({ description: 'whk_…' }),
  url: Type.String(),
  description: Nullable(Type.String({ maxLength: 500 })),
  events: Type.Array(Type.String(), { description: 'Event types sent, or ["*"] for all' }),
  exclude_actors: Type.Array(Type.String(), { description: 'Actors whose changes are not sent (no echo)' }),
  enabled: Type.Boolean(),
  disabled_reason: Nullable(Type.String({ description: 'Why Firehouse disabled it (410 Gone, 5 days of failures)' })),
  created_at: Instant,
  updated_at: Instant,
}

export const WebhookSchema = Type.Object(WEBHOOK_PROPERTIES, {
  $id: 'Webhook',
  description: 'A webhook endpoint; its secret is shown only when created or rotated',
})

const CreatedWebhookSchema = Type.Object(
  { ...WEBHOOK_PROPERTIES, secret: Type.String({ description: 'whsec_…: shown this once' }) },
  { $id: 'CreatedWebhook', description: 'A new endpoint, with its secret' },
)

/** The fields a create and a patch may hold; a body with any other is 300001. */
export const WEBHOOK_FIELDS = ['url', 'events', 'description', 'exclude_actors', 'enabled'] as const

const WebhookFields = {
  url: Type.String({ description: 'http or https, at most 2,048 characters, no user info, a public address' }),
  events: Type.Array(EventTypeOrAll, { minItems: 1, maxItems: 10 }),
  description: Nullable(Type.String({ maxLength: 500 })),
  exclude_actors: Type.Array(Type.String({ minLength: 1, maxLength: 320 }), {
    maxItems: 100,
    description: 'Actors (key:<id>, user:<email>, import, app:<id>, hook:<id>) whose changes are not sent; default: the creating key',
  }),
}

export const CreateWebhookBody = Type.Object(
  {
    url: WebhookFields.url,
    events: WebhookFields.events,
    description: Type.Optional(WebhookFields.description),
    exclude_actors: Type.Optional(WebhookFields.exclude_actors),
  },
  { additionalProperties: false },
)

export const PatchWebhookBody = Type.Object(
  {
    url: Type.Optional(WebhookFields.url),
    events: Type.Optional(WebhookFields.events),
    description: Type.Optional(WebhookFields.description),
    exclude_actors: Type.Optional(WebhookFields.exclude_actors),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

export const WebhookParams = Type.Object({ id: Type.String({ maxLength: 100 }) })
export const DeliveryParams = Type.Object({ id: Type.String({ maxLength: 100 }), delivery_id: Type.String({ maxLength: 200 }) })

export const DeliveryListQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')])),
  per_page: Type.Optional(Type.Integer({ format: 'int32', minimum: 1, maximum: 1000, default: 100, description: 'Deliveries per page, in decimal digits' })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
})

const AttemptSchema = Type.Object({
  at: Instant,
  http_status: Nullable(Type.Integer({ format: 'int32', minimum: 100, maximum: 999, description: 'null: no answer (network error, timeout, a refused address)' })),
  error: Nullable(Type.String()),
  duration_ms: Type.Integer({ format: 'int32', minimum: 0, maximum: 2_147_483_647 }),
  response: Nullable(Type.String({ description: 'The first 1 KiB of the answer' })),
})

const DeliverySchema = Type.Object(
  {
    id: Type.String(),
    event_id: Type.String({ description: 'The webhook-id header: the same on every attempt and redelivery' }),
    type: Type.String(),
    number_customergauge: Nullable(CgidInteger('The case the event is about; null for a ping')),
    status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
    created_at: Instant,
    next_attempt_at: Nullable(Instant),
    attempts: Type.Array(AttemptSchema),
  },
  { $id: 'WebhookDelivery', description: 'One event sent to one endpoint, with every attempt' },
)

const DeliveryPageSchema = Type.Object(
  {
    data: Type.Array(ref(DeliverySchema), { maxItems: 1000, description: 'Newest first' }),
    next_cursor: Type.String(),
    end_of_stream: Type.Boolean(),
  },
  { $id: 'WebhookDeliveryPage', description: 'One page of the delivery log' },
)

/** The named schemas of the webhooks routes. */
export const WEBHOOK_SCHEMAS = [WebhookSchema, CreatedWebhookSchema, DeliverySchema, DeliveryPageSchema]

const NOT_FOUND = '400301: your tenant has no such endpoint (or delivery)'
const INVALID = '300001: an invalid argument (an unknown or mistyped field or query parameter)'

/** The answers of a webhooks operation: its success, then its errors with the codes they carry. */
function answers(status: number, description: string, schema: TSchema | null, errors: Partial<Record<ErrorStatus, string>>) {
  const success = schema === null ? limitedNoContent(description) : json(description, schema)
  return { [status]: success, ...errorAnswers(JSON_ANSWERS, true, { ...errors, ...KEYED_ERRORS }) }
}

/** The errors of an operation that takes a JSON body. */
const BODY_ERRORS = {
  413: '300006: the body is larger than 64 KiB',
  415: '300007: the Content-Type is not application/json',
}

const QueuedSchema = Type.Object({ id: Type.String({ description: 'The new delivery' }), event_id: Type.String() })
const SecretSchema = Type.Object({ secret: Type.String({ description: 'whsec_…; the previous secret keeps signing for 24 h' }) })

const TAGS = ['webhooks']
const description = (summary: string) => `${summary}. Needs an API key of the tenant.`

export const CREATE_WEBHOOK = {
  operationId: 'createWebhook',
  summary: 'Registers an endpoint; the answer holds its secret, shown this once',
  tags: TAGS,
  description: description('Registers an endpoint for the tenant\'s events (SPEC §8); by default it is not sent the changes made with the creating key'),
  body: CreateWebhookBody,
  response: answers(201, 'Created; the secret is shown this once', ref(CreatedWebhookSchema), {
    400: `${INVALID}; 300005: a body that is not JSON; 400300: the URL is not allowed (scheme, length, user info, an address that is not public)`,
    ...BODY_ERRORS,
  }),
}
export const LIST_WEBHOOKS = {
  operationId: 'listWebhooks',
  summary: "The tenant's endpoints (no secrets)",
  tags: TAGS,
  description: description('The tenant\'s endpoints, without their secrets'),
  response: answers(200, 'The endpoints', Type.Object({ data: Type.Array(ref(WebhookSchema)) }), { 400: INVALID }),
}
export const GET_WEBHOOK = {
  operationId: 'getWebhook',
  summary: 'One endpoint',
  description: description('One endpoint, without its secret'),
  tags: TAGS,
  params: WebhookParams,
  response: answers(200, 'The endpoint', ref(WebhookSchema), { 400: INVALID, 404: NOT_FOUND }),
}
export const UPDATE_WEBHOOK = {
  operationId: 'updateWebhook',
  summary: 'Changes url, events, description, exclude_actors or enabled',
  tags: TAGS,
  params: WebhookParams,
  description: description('Changes the fields given, and only those'),
  body: PatchWebhookBody,
  response: answers(200, 'The endpoint as changed', ref(WebhookSchema), {
    400: `${INVALID}; 300005: a body that is not JSON; 400300: the URL is not allowed`,
    404: NOT_FOUND,
    ...BODY_ERRORS,
  }),
}
export const DELETE_WEBHOOK = {
  operationId: 'deleteWebhook',
  summary: 'Deletes an endpoint with its delivery log',
  tags: TAGS,
  params: WebhookParams,
  description: description('Deletes an endpoint; nothing more is sent to it'),
  response: answers(204, 'Deleted', null, { 400: INVALID, 404: NOT_FOUND }),
}
export const ROTATE_WEBHOOK_SECRET = {
  operationId: 'rotateWebhookSecret',
  summary: 'A new secret; the old one keeps signing (a second signature) for 24 h',
  tags: TAGS,
  params: WebhookParams,
  description: description('Makes a new secret; for 24 h both the old and the new one sign every event'),
  response: answers(200, 'The new secret', SecretSchema, { 400: INVALID, 404: NOT_FOUND }),
}
export const TEST_WEBHOOK = {
  operationId: 'testWebhook',
  summary: 'Sends a ping event now',
  description: description('Queues a ping event for the endpoint, sent at once whatever its events and exclude_actors'),
  tags: TAGS,
  params: WebhookParams,
  response: answers(202, 'Queued', QueuedSchema, { 400: INVALID, 404: NOT_FOUND }),
}
export const LIST_WEBHOOK_DELIVERIES = {
  operationId: 'listWebhookDeliveries',
  summary: "The endpoint's delivery log, newest first, every attempt kept 30 days",
  tags: TAGS,
  params: WebhookParams,
  description: description('The endpoint\'s deliveries, newest first, paged by an opaque cursor'),
  querystring: DeliveryListQuery,
  response: answers(200, 'One page of the log', ref(DeliveryPageSchema), { 400: `${INVALID}, or a cursor that is not ours`, 404: NOT_FOUND }),
}
export const REDELIVER_WEBHOOK = {
  operationId: 'redeliverWebhook',
  summary: 'Sends the same event (same id) again, as a new delivery, now',
  tags: TAGS,
  description: description('Queues the same event (same id) again as a new delivery; the endpoint must be enabled'),
  params: DeliveryParams,
  response: answers(202, 'Queued', QueuedSchema, { 400: `${INVALID}, or the endpoint is disabled`, 404: NOT_FOUND }),
}
