// `workflow update`: a v4.1 call to a server through the typed client (env CG_API_URL, CG_API_KEY).

import { WorkflowClient } from '../../client/index.js'
import { loadClientSettings, type ClientSettings } from '../../config.js'
import { FirehouseError } from '../../domain/errors.js'
import type { Command } from '../command.js'

export const WORKFLOW_COMMANDS: Record<string, Command> = {
  'workflow update': {
    usage: 'workflow update <cgid> [--status S] [--comment C] [--assigned-to E] [--happened-at T] [--if-match V] [--url U] [--key K] [--format json|xml]',
    summary: 'Update a case through a server\'s v4.1 API (env CG_API_URL, default http://127.0.0.1:8080, and CG_API_KEY); prints the CG-ID',
    args: ['cgid'],
    options: {
      status: { type: 'string' },
      comment: { type: 'string' },
      'assigned-to': { type: 'string' },
      'if-match': { type: 'string' },
      // Sent as typed: ISO 8601 with Z or an offset, or YYYY-MM-DD HH:MM:SS in UTC (SPEC §9).
      'happened-at': { type: 'string' },
      url: { type: 'string' },
      key: { type: 'string' },
      format: { type: 'string' },
    },
    async run({ args, values, io }) {
      const flag = (name: string): string | undefined => values[name] as string | undefined
      const settings = loadClientSettings(io.env, { apiUrl: flag('url'), apiKey: flag('key'), format: flag('format') })
      const { numberCustomergauge } = await createClient(settings).updateWorkflow({
        // Sent as typed: the server is the one judge of a CG-ID (300001), as for any integration.
        numberCustomergauge: args[0]!.trim(),
        status: flag('status'),
        comment: flag('comment'),
        assignedTo: flag('assigned-to'),
        ifMatch: versionOf(flag('if-match')),
        happenedAt: flag('happened-at'),
      })
      return { text: `Updated case ${numberCustomergauge}`, json: { number_customergauge: numberCustomergauge } }
    },
  },
}

/** `--if-match V`: the case's version as `case show` prints it (decimal digits), else 300001. */
function versionOf(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const version = /^[0-9]{1,16}$/.test(value.trim()) ? Number(value.trim()) : NaN
  if (!Number.isSafeInteger(version)) throw new FirehouseError('INVALID_ARGUMENT', 'Invalid argument: --if-match must be a case\'s version (a non-negative integer)')
  return version
}

function createClient(settings: ClientSettings): WorkflowClient {
  try {
    return new WorkflowClient({ apiKey: settings.apiKey, baseUrl: settings.apiUrl, format: settings.format })
  } catch (error) {
    // The client names the bad option in a TypeError; here it is the user's input.
    throw new FirehouseError('INVALID_ARGUMENT', (error as Error).message, { cause: error })
  }
}
