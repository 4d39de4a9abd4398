// `app create|list|revoke`: connected apps (SPEC §10), the OAuth2 clients of a tenant.

import { createOAuthApp, listOAuthApps, revokeOAuthApp } from '../../service/oauth-apps.js'
import type { Command } from '../command.js'
import { table } from '../output.js'

export const APP_COMMANDS: Record<string, Command> = {
  'app create': {
    usage: 'app create <tenant> --name N [--json]',
    summary: 'Create a connected app (OAuth2 client credentials); its client secret is shown once, alone on the last line',
    args: ['tenant'],
    options: { name: { type: 'string' } },
    async run({ args, values, open }) {
      const { clientId, clientSecret, info } = await createOAuthApp(await open(), args[0]!, (values.name as string | undefined) ?? '')
      return {
        text: `Created app ${info.name}. Store the secret now: it is not shown again.\nclient_id ${clientId}\nclient_secret\n${clientSecret}`,
        json: { client_id: clientId, client_secret: clientSecret },
      }
    },
  },
  'app list': {
    usage: 'app list <tenant> [--json]',
    summary: "List a tenant's connected apps (never their secrets)",
    args: ['tenant'],
    async run({ args, open }) {
      const apps = await listOAuthApps(await open(), args[0]!)
      return { text: table(apps, ['client_id', 'name', 'created_at', 'revoked_at']), json: apps }
    },
  },
  'app revoke': {
    usage: 'app revoke <tenant> <client_id>',
    summary: 'Revoke a connected app: its tokens stop working at once, on every server of the database',
    args: ['tenant', 'client_id'],
    async run({ args, open }) {
      const info = await revokeOAuthApp(await open(), args[0]!, args[1]!)
      return { text: `Revoked app ${info.client_id} (${info.name})`, json: info }
    },
  },
}
