// The firehouse CLI: parses the command line, runs one command, prints its output or a one-line reason.

import { parseArgs } from 'node:util'
import { WorkflowApiError } from '../client/index.js'
import { loadConfig, type Config } from '../config.js'
import { isFirehouseError } from '../domain/errors.js'
import type { ServiceContext } from '../service/context.js'
import { openServiceContext } from '../service/database.js'
import { ADMIN_COMMANDS } from './commands/admin.js'
import { APP_COMMANDS } from './commands/apps.js'
import { CASE_COMMANDS } from './commands/cases.js'
import { DATA_COMMANDS } from './commands/data.js'
import { RULES_COMMANDS } from './commands/rules.js'
import { SERVER_COMMANDS } from './commands/server.js'
import { USER_COMMANDS } from './commands/users.js'
import { WEBHOOK_COMMANDS } from './commands/webhooks.js'
import { WORKFLOW_COMMANDS } from './commands/workflow.js'
import type { CliEnvironment, Command, OptionSpecs, OptionValues } from './command.js'

const COMMANDS: Record<string, Command> = { ...SERVER_COMMANDS, ...ADMIN_COMMANDS, ...APP_COMMANDS, ...USER_COMMANDS, ...DATA_COMMANDS, ...CASE_COMMANDS, ...RULES_COMMANDS, ...WORKFLOW_COMMANDS, ...WEBHOOK_COMMANDS }

const COMMON_OPTIONS: OptionSpecs = {
  db: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
}

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

/** Runs one command line; returns the exit code. Never throws, never prints a stack trace. */
export async function runCli(argv: readonly string[], io: CliEnvironment, stderr: (line: string) => void): Promise<number> {
  const found = findCommand(argv)
  if (!found) {
    stderr(argv.length === 0 || argv[0] === '--help' || argv[0] === 'help' ? usage() : `error: Unknown command: ${argv.slice(0, 2).join(' ')} (firehouse --help lists the commands)`)
    return argv.length === 0 || argv[0] === '--help' || argv[0] === 'help' ? EXIT_OK : EXIT_USAGE
  }
  const [name, command] = found
  let store: ServiceContext | undefined
  try {
    const { values, positionals } = parseArgs({
      args: argv.slice(name.split(' ').length),
      options: { ...COMMON_OPTIONS, ...command.options },
      allowPositionals: true,
      strict: true,
    })
    if (values.help) {
      io.stdout(`firehouse ${command.usage}\n  ${command.summary}`)
      return EXIT_OK
    }
    if (positionals.length !== command.args.length) {
      stderr(`Usage: firehouse ${command.usage}`)
      return EXIT_USAGE
    }
    const config = loadConfig(io.env, pickConfigFlags(values))
    const open = async (options?: { migrate?: boolean }): Promise<ServiceContext> =>
      (store ??= await openServiceContext(config.db, { ...options, poolSize: config.dbPoolSize }))
    // No option is declared `multiple`, so every value is a string or a boolean.
    const output = await command.run({ values: values as OptionValues, args: positionals, config, io, open })
    if (output) io.stdout(values.json ? JSON.stringify(output.json, null, 2) : output.text)
    return EXIT_OK
  } catch (error) {
    // One line, whatever the message: parseArgs, for one, explains some mistakes over three.
    stderr(describeFailure(error).replace(/\s*\n\s*/g, ' '))
    return isUsageError(error) ? EXIT_USAGE : EXIT_FAILURE
  } finally {
    await store?.store.close()
  }
}

function findCommand(argv: readonly string[]): [string, Command] | undefined {
  const two = argv.slice(0, 2).join(' ')
  if (COMMANDS[two]) return [two, COMMANDS[two]]
  const one = argv[0] ?? ''
  return COMMANDS[one] ? [one, COMMANDS[one]] : undefined
}

function pickConfigFlags(values: Record<string, unknown>): Partial<Record<keyof Config, string>> {
  const flag = (name: string): string | undefined => (typeof values[name] === 'string' ? (values[name] as string) : undefined)
  return { db: flag('db'), host: flag('host'), port: flag('port'), region: flag('region'), workers: flag('workers') }
}

/** A server's answer to a client call prints as `<Code> <Message>` (SPEC §3); anything else as `error: <reason>`. */
function describeFailure(error: unknown): string {
  if (error instanceof WorkflowApiError && error.kind === 'api') return `${error.code} ${error.message}`
  return `error: ${describeError(error)}`
}

function describeError(error: unknown): string {
  if (isFirehouseError(error) || error instanceof WorkflowApiError) return error.message
  if (isUsageError(error)) return (error as Error).message
  const listen = listenFailure(error)
  if (listen) return listen
  const code = (error as { code?: unknown } | null)?.code
  return `unexpected failure${typeof code === 'string' ? ` (${code})` : ''}`
}

const LISTEN_REASONS: Record<string, string> = {
  EADDRINUSE: 'the address is already in use',
  EACCES: 'permission denied (ports below 1024 need privileges)',
  EADDRNOTAVAIL: 'this machine has no such address',
}

/** `serve` could not take its address: which one, and why, in words. */
function listenFailure(error: unknown): string | undefined {
  const failure = error as { syscall?: unknown; code?: unknown; address?: unknown; port?: unknown } | null
  if (failure?.syscall !== 'listen' || typeof failure.code !== 'string') return undefined
  const where = typeof failure.address === 'string' ? `${failure.address}:${String(failure.port)}` : `port ${String(failure.port)}`
  return `cannot listen on ${where}: ${LISTEN_REASONS[failure.code] ?? failure.code}`
}

function isUsageError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')
}

function usage(): string {
  const lines = Object.values(COMMANDS).map((command) => `  firehouse ${command.usage}\n      ${command.summary}`)
  return [
    'Usage:',
    ...lines,
    '',
    'Every command takes --db D (SQLite file; env FIREHOUSE_DB) and --json where it prints data;',
    'workflow update talks to a server instead: --url U (env CG_API_URL) and --key K (env CG_API_KEY).',
  ].join('\n')
}
