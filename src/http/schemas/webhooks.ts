// TypeBox schemas of /api/v1/webhooks (SPEC §8): they validate params and queries, serialise answers and feed /openapi.json.

import { Type, type TSchema } from '@sinclair/typebox'
import { EVENT_TYPES } from '../../domain/webhook-events.js'

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()])
const Instant = Type.String({ format: 'date-time', description: 'ISO 8601 UTC with milliseconds' })
const EventTypeOrAll = Type.Union([...EVENT_TYPES.map((type) => Type.Literal(type)), Type.Literal('*')])
const ErrorAnswer = Type.Object({ Error: Type.Object({ Message: Type.String(), Code: Type.Integer() }) })
const ERRORS = { '4xx': ErrorAnswer, '5xx': ErrorAnswer }

export const WebhookSchema = Type.Object(
  {
    id: Type.String({ description: 'whk_…' }),
    url: Type.String(),
    description: Nullable(Type.String()),
    events: Type.Array(Type.String(), { description: 'Event types sent, or ["*"] for all' }),
    exclude_actors: Type.Array(Type.String(), { description: 'Actors whose changes are not sent (no echo)' }),
    enabled: Type.Boolean(),
    disabled_reason: Nullable(Type.String({ description: 'Why Firehouse disabled it (410 Gone, 5 days of failures)' })),
    created_at: Instant,
    updated_at: Instant,
  },
  { description: 'A webhook endpoint; its secret is shown only when created or rotated' },
)

const CreatedWebhookSchema = Type.Composite([WebhookSchema, Type.Object({ secret: Type.String({ description: 'whsec_…: shown this once' }) })])

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
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
})

const AttemptSchema = Type.Object({
  at: Instant,
  http_status: Nullable(Type.Integer({ description: 'null: no answer (network error, timeout, a refused address)' })),
  error: Nullable(Type.String()),
  duration_ms: Type.Integer(),
  response: Nullable(Type.String({ description: 'The first 1 KiB of the answer' })),
})

const DeliverySchema = Type.Object({
  id: Type.String(),
  event_id: Type.String({ description: 'The webhook-id header: the same on every attempt and redelivery' }),
  type: Type.String(),
  number_customergauge: Nullable(Type.Integer()),
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  created_at: Instant,
  next_attempt_at: Nullable(Instant),
  attempts: Type.Array(AttemptSchema),
})

const DeliveryPageSchema = Type.Object({
  data: Type.Array(DeliverySchema, { description: 'Newest first' }),
  next_cursor: Type.String(),
  end_of_stream: Type.Boolean(),
})

const QueuedSchema = Type.Object({ id: Type.String({ description: 'The new delivery' }), event_id: Type.String() })
const SecretSchema = Type.Object({ secret: Type.String({ description: 'whsec_…; the previous secret keeps signing for 24 h' }) })

const TAGS = ['webhooks']

export const CREATE_WEBHOOK = {
  operationId: 'createWebhook',
  summary: 'Registers an endpoint; the answer holds its secret, shown this once',
  tags: TAGS,
  body: CreateWebhookBody,
  response: { 201: CreatedWebhookSchema, ...ERRORS },
}
export const LIST_WEBHOOKS = {
  operationId: 'listWebhooks',
  summary: "The tenant's endpoints (no secrets)",
  tags: TAGS,
  response: { 200: Type.Object({ data: Type.Array(WebhookSchema) }), ...ERRORS },
}
export const GET_WEBHOOK = { operationId: 'getWebhook', summary: 'One endpoint', tags: TAGS, params: WebhookParams, response: { 200: WebhookSchema, ...ERRORS } }
export const UPDATE_WEBHOOK = {
  operationId: 'updateWebhook',
  summary: 'Changes url, events, description, exclude_actors or enabled',
  tags: TAGS,
  params: WebhookParams,
  body: PatchWebhookBody,
  response: { 200: WebhookSchema, ...ERRORS },
}
export const DELETE_WEBHOOK = {
  operationId: 'deleteWebhook',
  summary: 'Deletes an endpoint with its delivery log',
  tags: TAGS,
  params: WebhookParams,
  response: { 204: Type.Null({ description: 'Deleted' }), ...ERRORS },
}
export const ROTATE_WEBHOOK_SECRET = {
  operationId: 'rotateWebhookSecret',
  summary: 'A new secret; the old one keeps signing (a second signature) for 24 h',
  tags: TAGS,
  params: WebhookParams,
  response: { 200: SecretSchema, ...ERRORS },
}
export const TEST_WEBHOOK = {
  operationId: 'testWebhook',
  summary: 'Sends a ping event now',
  tags: TAGS,
  params: WebhookParams,
  response: { 202: QueuedSchema, ...ERRORS },
}
export const LIST_WEBHOOK_DELIVERIES = {
  operationId: 'listWebhookDeliveries',
  summary: "The endpoint's delivery log, newest first, every attempt kept 30 days",
  tags: TAGS,
  params: WebhookParams,
  querystring: DeliveryListQuery,
  response: { 200: DeliveryPageSchema, ...ERRORS },
}
export const REDELIVER_WEBHOOK = {
  operationId: 'redeliverWebhook',
  summary: 'Sends the same event (same id) again, as a new delivery, now',
  tags: TAGS,
  params: DeliveryParams,
  response: { 202: QueuedSchema, ...ERRORS },
}
