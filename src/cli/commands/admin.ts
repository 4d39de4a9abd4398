// Operator commands for tenants and API keys.

import { autoOpens } from '../../service/workflow-rules.js'
import { createApiKey, listApiKeys, revokeApiKey } from '../../service/api-keys.js'
import { createTenant, listTenants } from '../../service/tenants.js'
import type { Command } from '../command.js'
import { table } from '../output.js'

export const ADMIN_COMMANDS: Record<string, Command> = {
  'tenant create': {
    usage: 'tenant create <slug> [--name N] [--region R] [--extended-statuses] [--no-auto-open] [--rate-limit N]',
    summary: 'Create a tenant (a "system")',
    args: ['slug'],
    options: {
      name: { type: 'string' },
      region: { type: 'string' },
      'extended-statuses': { type: 'boolean' },
      'no-auto-open': { type: 'boolean' },
      'rate-limit': { type: 'string' },
    },
    async run({ args, values, config, open }) {
      const rateLimit = values['rate-limit'] as string | undefined
      const tenant = await createTenant(await open(), {
        slug: args[0]!,
        name: values.name as string | undefined,
        region: (values.region as string | undefined) ?? config.region,
        extendedStatuses: values['extended-statuses'] === true,
        autoOpen: values['no-auto-open'] !== true,
        // Not a number parse: "1e3" or "12abc" must be refused, not read as 1000 or 12.
        rateLimit: rateLimit === undefined ? undefined : /^\d+$/.test(rateLimit.trim()) ? Number(rateLimit) : NaN,
      })
      const json = { slug: tenant.slug, name: tenant.name, region: tenant.region, extended_statuses: tenant.extended_statuses === 1, auto_open: autoOpens(tenant) }
      return { text: `Created tenant ${tenant.slug} (region ${tenant.region})`, json }
    },
  },
  'tenant list': {
    usage: 'tenant list',
    summary: 'List tenants',
    args: [],
    async run({ open }) {
      const tenants = (await listTenants(await open())).map((tenant) => ({
        slug: tenant.slug,
        name: tenant.name,
        region: tenant.region,
        extended_statuses: tenant.extended_statuses === 1,
        auto_open: autoOpens(tenant),
        created_at: tenant.created_at,
      }))
      return { text: table(tenants, ['slug', 'name', 'region', 'extended_statuses', 'auto_open']), json: tenants }
    },
  },
  'key create': {
    usage: 'key create <tenant> [--label L] [--admin]',
    summary: 'Create an API key (--admin: it may also change the tenant\'s settings); it is shown once, alone on the last line',
    args: ['tenant'],
    options: { label: { type: 'string' }, admin: { type: 'boolean' } },
    async run({ args, values, open }) {
      const { key, info } = await createApiKey(await open(), args[0]!, values.label as string | undefined, { admin: values.admin === true })
      const kind = info.admin ? 'admin key' : 'key'
      return { text: `Created ${kind} ${info.id} (${info.prefix}…). Store it now: it is not shown again.\n${key}`, json: { ...info, key } }
    },
  },
  'key list': {
    usage: 'key list <tenant>',
    summary: 'List a tenant\'s API keys (never the keys themselves)',
    args: ['tenant'],
    async run({ args, open }) {
      const keys = await listApiKeys(await open(), args[0]!)
      return { text: table(keys, ['id', 'prefix', 'label', 'admin', 'created_at', 'revoked_at']), json: keys }
    },
  },
  'key revoke': {
    usage: 'key revoke <tenant> <key-id-or-prefix>',
    summary: 'Revoke an API key by its id or a unique prefix of at least 8 characters',
    args: ['tenant', 'key-id-or-prefix'],
    async run({ args, open }) {
      const info = await revokeApiKey(await open(), args[0]!, args[1]!)
      return { text: `Revoked key ${info.id} (${info.prefix}…)`, json: info }
    },
  },
}
