// Operator commands for a tenant's webhooks (SPEC §8): add (secret shown once), list, remove, the delivery log, redeliver.

import { createAddressPolicy } from '../../domain/address-rules.js'
import { EVENT_TYPES } from '../../domain/webhook-events.js'
import { listDeliveries, redeliver } from '../../service/webhooks/deliveries.js'
import { createEndpoint, deleteEndpoint, listEndpoints } from '../../service/webhooks/endpoints.js'
import type { Command } from '../command.js'
import { table } from '../output.js'

/** A comma-separated option as a list (absent: undefined; empty: []). */
function listOption(value: string | boolean | undefined): string[] | undefined {
  if (typeof value !== 'string') return undefined
  return value.split(',').map((item) => item.trim()).filter((item) => item !== '')
}

export const WEBHOOK_COMMANDS: Record<string, Command> = {
  'webhook add': {
    usage: `webhook add <tenant> <url> [--events ${EVENT_TYPES.join(',')}|*] [--description D] [--exclude-actors A,…]`,
    summary: 'Register a webhook endpoint (all events unless --events); prints its secret, shown this once, alone on the last line',
    args: ['tenant', 'url'],
    options: { events: { type: 'string' }, description: { type: 'string' }, 'exclude-actors': { type: 'string' } },
    async run({ args, values, config, open }) {
      const input = {
        url: args[1]!,
        events: listOption(values.events) ?? ['*'],
        description: (values.description as string | undefined) ?? null,
        excludeActors: listOption(values['exclude-actors']),
      }
      // No key creates it here: nothing is excluded unless --exclude-actors says so.
      const created = await createEndpoint(await open(), args[0]!, input, null, { policy: createAddressPolicy(config.webhookAllowNets) })
      const text = [`Added webhook ${created.id} for ${created.url} (events: ${created.events.join(', ')})`, 'Secret (shown once):', created.secret].join('\n')
      return { text, json: created }
    },
  },
  'webhook list': {
    usage: 'webhook list <tenant>',
    summary: "List a tenant's webhook endpoints (no secrets)",
    args: ['tenant'],
    async run({ args, open }) {
      const endpoints = await listEndpoints(await open(), args[0]!)
      const rows = endpoints.map((endpoint) => ({ ...endpoint, events: endpoint.events.join(','), exclude_actors: endpoint.exclude_actors.join(',') }))
      return { text: table(rows, ['id', 'url', 'events', 'enabled', 'disabled_reason', 'exclude_actors', 'created_at']), json: endpoints }
    },
  },
  'webhook remove': {
    usage: 'webhook remove <tenant> <id>',
    summary: 'Delete a webhook endpoint and its delivery log',
    args: ['tenant', 'id'],
    async run({ args, open }) {
      await deleteEndpoint(await open(), args[0]!, args[1]!)
      return { text: `Removed webhook ${args[1]}`, json: { id: args[1], removed: true } }
    },
  },
  'webhook deliveries': {
    usage: 'webhook deliveries <tenant> <id> [--status pending|succeeded|failed] [--per-page N] [--cursor C]',
    summary: "An endpoint's delivery log, newest first, with every attempt (--json for the answers' first 1 KiB)",
    args: ['tenant', 'id'],
    options: { status: { type: 'string' }, 'per-page': { type: 'string' }, cursor: { type: 'string' } },
    async run({ args, values, open }) {
      const perPage = typeof values['per-page'] === 'string' ? Number(values['per-page']) : undefined
      const page = await listDeliveries(await open(), args[0]!, args[1]!, { status: values.status as string | undefined, perPage, cursor: values.cursor as string | undefined })
      const rows = page.data.map((delivery) => {
        const last = delivery.attempts.at(-1)
        return {
          id: delivery.id,
          event_id: delivery.event_id,
          type: delivery.type,
          number_customergauge: delivery.number_customergauge,
          status: delivery.status,
          attempts: delivery.attempts.length,
          last: last ? (last.http_status === null ? (last.error ?? '') : `HTTP ${last.http_status}`) : '',
        }
      })
      const more = page.end_of_stream ? '' : `\nMore: --cursor ${page.next_cursor}`
      return { text: table(rows, ['id', 'event_id', 'type', 'number_customergauge', 'status', 'attempts', 'last']) + more, json: page }
    },
  },
  'webhook redeliver': {
    usage: 'webhook redeliver <tenant> <id> <delivery-id>',
    summary: 'Send a delivery\'s event (same id) again, as a new delivery; a running server sends it within a second',
    args: ['tenant', 'id', 'delivery'],
    async run({ args, open }) {
      const queued = await redeliver(await open(), args[0]!, args[1]!, args[2]!)
      return { text: `Queued delivery ${queued.id} of event ${queued.event_id}`, json: queued }
    },
  },
}
