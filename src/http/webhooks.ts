// Webhooks in the server process: the URL rules the API checks, and the dispatcher, run from ready to close.

import type { FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'
import type { Config } from '../config.js'
import { createAddressPolicy } from '../domain/address-rules.js'
import type { ServiceContext } from '../service/context.js'
import { createDispatcher } from '../service/webhooks/dispatcher.js'
import type { HostResolver } from '../service/webhooks/settings.js'
import type { UrlRules } from '../service/webhooks/url-rules.js'
import { instrumentWebhooks } from './metrics.js'

export interface WebhookDeps {
  config: Config
  ctx: ServiceContext
  registry: Registry
  resolveHost?: HostResolver
}

/**
 * Starts the dispatcher when the app is ready and stops it when it closes (its claims in flight are
 * left to expire, so another process, or this one restarted, attempts them again). Returns the
 * rules the API checks a webhook URL with.
 */
export function runWebhooks(app: FastifyInstance, { config, ctx, registry, resolveHost }: WebhookDeps): UrlRules {
  const settings = {
    retryScheduleS: config.webhookRetrySchedule,
    timeoutMs: config.webhookTimeoutMs,
    allowNets: config.webhookAllowNets,
    resolveHost,
  }
  const dispatcher = createDispatcher({ ctx, settings, log: app.log, observer: instrumentWebhooks(registry, ctx) })
  app.addHook('onReady', async () => dispatcher.start())
  app.addHook('onClose', async () => dispatcher.stop())
  return { policy: createAddressPolicy(config.webhookAllowNets), resolveHost }
}
