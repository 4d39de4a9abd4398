// `rules show|set <tenant>`: the tenant's workflow rules (SPEC §9) from the operator's shell.

import { FirehouseError } from '../../domain/errors.js'
import { parseNpsRange, type RulesUpdate, type WorkflowRules } from '../../domain/workflow-rules.js'
import { getWorkflowRules, rulesToJson, setWorkflowRules } from '../../service/workflow-rules.js'
import type { Command, CommandOutput } from '../command.js'

/** The on|off flags of `rules set`, by the rule they switch. */
const SWITCHES = {
  progressive: 'progressive',
  'comment-on-status-change': 'commentOnStatusChange',
  'comment-on-reassign': 'commentOnReassign',
} as const satisfies Record<string, keyof RulesUpdate>

export const RULES_COMMANDS: Record<string, Command> = {
  'rules show': {
    usage: 'rules show <tenant> [--json]',
    summary: "Show a tenant's workflow rules",
    args: ['tenant'],
    async run({ args, open }) {
      return rulesOutput(await getWorkflowRules(await open(), args[0]!))
    },
  },
  'rules set': {
    usage:
      'rules set <tenant> [--progressive on|off] [--comment-on-status-change on|off] [--comment-on-reassign on|off] ' +
      '[--auto-open-nps MIN-MAX|off] [--auto-open-field NAME|off]',
    summary: "Change some of a tenant's workflow rules (the others are kept); prints them all",
    args: ['tenant'],
    options: {
      ...Object.fromEntries(Object.keys(SWITCHES).map((flag) => [flag, { type: 'string' as const }])),
      'auto-open-nps': { type: 'string' },
      'auto-open-field': { type: 'string' },
    },
    async run({ args, values, open }) {
      const update = rulesUpdateOf(values)
      // The operator's shell may change any tenant's rules: it holds the database itself.
      return rulesOutput(await setWorkflowRules(await open(), args[0]!, update, true))
    },
  },
}

/** The flags as a rules update; a flag's value that is not one of its forms is refused before anything is opened. */
function rulesUpdateOf(values: Record<string, string | boolean | undefined>): RulesUpdate {
  const update: RulesUpdate = {}
  for (const [flag, rule] of Object.entries(SWITCHES)) {
    const value = values[flag]
    if (typeof value === 'string') update[rule] = onOrOff(flag, value)
  }
  const nps = values['auto-open-nps']
  const field = values['auto-open-field']
  if (typeof nps === 'string' || typeof field === 'string') {
    update.autoOpen = {}
    if (typeof nps === 'string') {
      const range = isOff(nps) ? { npsMin: null, npsMax: null } : parseNpsRange(nps)
      if (!range) throw new FirehouseError('INVALID_ARGUMENT', '--auto-open-nps is a range MIN-MAX of NPS scores (e.g. 0-6) or off')
      Object.assign(update.autoOpen, range)
    }
    if (typeof field === 'string') update.autoOpen.field = isOff(field) ? null : field
  }
  if (Object.keys(update).length === 0) {
    throw new FirehouseError('INVALID_ARGUMENT', 'Nothing to change: give at least one rule (see firehouse help)')
  }
  return update
}

function onOrOff(flag: string, value: string): boolean {
  const word = value.trim().toLowerCase()
  if (word === 'on') return true
  if (word === 'off') return false
  throw new FirehouseError('INVALID_ARGUMENT', `--${flag} is on or off`)
}

function isOff(value: string): boolean {
  return value.trim().toLowerCase() === 'off'
}

function rulesOutput(rules: WorkflowRules): CommandOutput {
  const { npsMin, npsMax, field } = rules.autoOpen
  const onOff = (on: boolean) => (on ? 'on' : 'off')
  const lines = [
    `progressive               ${onOff(rules.progressive)}`,
    `comment on status change  ${onOff(rules.commentOnStatusChange)}`,
    `comment on reassign       ${onOff(rules.commentOnReassign)}`,
    `auto-open NPS             ${npsMin === null ? 'off' : `${npsMin}-${npsMax}`}`,
    `auto-open field           ${field ?? 'off'}`,
  ]
  return { text: lines.join('\n'), json: rulesToJson(rules) }
}
