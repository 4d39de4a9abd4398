// cg.webhooks: a tenant's webhook endpoints and their delivery logs (/api/v1/webhooks, SPEC §8).

import type { WireRequest } from './transport.js'

/** An event type, or `*` for all of them. */
export type WebhookEventType = 'case.opened' | 'case.closed' | 'case.updated' | 'ping' | '*'

/**
 * A webhook endpoint as the API shows it (never with its secret, but when created).
 *
 * @example
 * const hooks: Webhook[] = await cg.webhooks.list()
 */
export interface Webhook {
  id: string
  url: string
  description: string | null
  events: WebhookEventType[]
  /** Actors (`key:<id>`, `user:<email>`, `import` …) whose changes are not sent: no echo. */
  exclude_actors: string[]
  enabled: boolean
  /** Why Firehouse disabled it (410 Gone, 5 days of failures). */
  disabled_reason: string | null
  created_at: string
  updated_at: string
}

/**
 * What a new endpoint is.
 *
 * @example
 * const input: NewWebhook = { url: 'https://desk.example.com/hooks/firehouse', events: ['case.opened'] }
 */
export interface NewWebhook {
  url: string
  events: WebhookEventType[]
  description?: string | null
  /** Replaces the default, which is the key creating the endpoint. */
  excludeActors?: string[]
}

/**
 * The fields a change may set.
 *
 * @example
 * const patch: WebhookPatch = { enabled: true }
 */
export interface WebhookPatch extends Partial<NewWebhook> {
  enabled?: boolean
}

/**
 * One event for one endpoint, with every attempt made.
 *
 * @example
 * const { data } = await cg.webhooks.deliveries(hook.id, { status: 'failed' })
 */
export interface WebhookDelivery {
  id: string
  event_id: string
  type: string
  number_customergauge: number | null
  status: 'pending' | 'succeeded' | 'failed'
  created_at: string
  next_attempt_at: string | null
  attempts: { at: string; http_status: number | null; error: string | null; duration_ms: number; response: string | null }[]
}

/**
 * A page of the delivery log, newest first.
 *
 * @example
 * const page: WebhookDeliveryPage = await cg.webhooks.deliveries(hook.id)
 */
export interface WebhookDeliveryPage {
  data: WebhookDelivery[]
  next_cursor: string
  end_of_stream: boolean
}

/**
 * A delivery just queued (a ping or a redelivery).
 *
 * @example
 * const { id, event_id }: QueuedDelivery = await cg.webhooks.test(hook.id)
 */
export interface QueuedDelivery {
  id: string
  event_id: string
}

/** How WorkflowClient sends one request for this API: `retry` only where a repeat cannot do harm. */
export type WebhookCall = (request: { method: WireRequest['method']; path: string; body?: unknown }, retry: boolean) => Promise<unknown>

/**
 * The webhook calls of a WorkflowClient (`cg.webhooks`). Calls that create something (create,
 * rotateSecret, test, redeliver) are sent once, never retried, so they never happen twice.
 *
 * @example
 * const hook = await cg.webhooks.create({ url: 'https://desk.example.com/hooks/firehouse', events: ['*'] })
 * saveSecret(hook.secret) // shown this once
 */
export class WebhooksApi {
  readonly #call: WebhookCall

  constructor(call: WebhookCall) {
    this.#call = call
  }

  /**
   * POST /api/v1/webhooks. The answer holds the secret, the only time it is shown.
   *
   * @example
   * const { id, secret } = await cg.webhooks.create({ url: 'https://desk.example.com/hooks', events: ['case.opened', 'case.closed'] })
   */
  async create(input: NewWebhook): Promise<Webhook & { secret: string }> {
    return (await this.#call({ method: 'POST', path: '', body: toBody(input) }, false)) as Webhook & { secret: string }
  }

  /**
   * GET /api/v1/webhooks.
   *
   * @example
   * for (const hook of await cg.webhooks.list()) console.log(hook.url, hook.enabled)
   */
  async list(): Promise<Webhook[]> {
    return ((await this.#call({ method: 'GET', path: '' }, true)) as { data: Webhook[] }).data
  }

  /**
   * GET /api/v1/webhooks/{id}; code 400301 when the tenant has none with this id.
   *
   * @example
   * const hook = await cg.webhooks.get('whk_…')
   */
  async get(id: string): Promise<Webhook> {
    return (await this.#call({ method: 'GET', path: `/${encodeURIComponent(id)}` }, true)) as Webhook
  }

  /**
   * PATCH /api/v1/webhooks/{id}.
   *
   * @example
   * await cg.webhooks.update(hook.id, { enabled: true })
   */
  async update(id: string, patch: WebhookPatch): Promise<Webhook> {
    return (await this.#call({ method: 'PATCH', path: `/${encodeURIComponent(id)}`, body: toBody(patch) }, true)) as Webhook
  }

  /**
   * DELETE /api/v1/webhooks/{id}, with its delivery log.
   *
   * @example
   * await cg.webhooks.delete(hook.id)
   */
  async delete(id: string): Promise<void> {
    await this.#call({ method: 'DELETE', path: `/${encodeURIComponent(id)}` }, true)
  }

  /**
   * POST /api/v1/webhooks/{id}/rotate-secret: a new secret; the old one keeps signing for 24 h.
   *
   * @example
   * const { secret } = await cg.webhooks.rotateSecret(hook.id)
   */
  async rotateSecret(id: string): Promise<{ secret: string }> {
    return (await this.#call({ method: 'POST', path: `/${encodeURIComponent(id)}/rotate-secret` }, false)) as { secret: string }
  }

  /**
   * POST /api/v1/webhooks/{id}/test: sends a `ping` now.
   *
   * @example
   * await cg.webhooks.test(hook.id)
   */
  async test(id: string): Promise<QueuedDelivery> {
    return (await this.#call({ method: 'POST', path: `/${encodeURIComponent(id)}/test` }, false)) as QueuedDelivery
  }

  /**
   * GET /api/v1/webhooks/{id}/deliveries: the log, newest first.
   *
   * @example
   * const failed = await cg.webhooks.deliveries(hook.id, { status: 'failed', perPage: 50 })
   */
  async deliveries(id: string, query: { status?: WebhookDelivery['status']; perPage?: number; cursor?: string } = {}): Promise<WebhookDeliveryPage> {
    const params = new URLSearchParams()
    if (query.status !== undefined) params.set('status', query.status)
    if (query.perPage !== undefined) params.set('per_page', String(query.perPage))
    if (query.cursor !== undefined) params.set('cursor', query.cursor)
    const search = params.size > 0 ? `?${params}` : ''
    return (await this.#call({ method: 'GET', path: `/${encodeURIComponent(id)}/deliveries${search}` }, true)) as WebhookDeliveryPage
  }

  /**
   * POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver: the same event, as a new delivery.
   *
   * @example
   * await cg.webhooks.redeliver(hook.id, delivery.id)
   */
  async redeliver(id: string, deliveryId: string): Promise<QueuedDelivery> {
    const path = `/${encodeURIComponent(id)}/deliveries/${encodeURIComponent(deliveryId)}/redeliver`
    return (await this.#call({ method: 'POST', path }, false)) as QueuedDelivery
  }
}

/** The wire's field names. */
function toBody(input: WebhookPatch): Record<string, unknown> {
  const { excludeActors, ...rest } = input
  return excludeActors === undefined ? rest : { ...rest, exclude_actors: excludeActors }
}
