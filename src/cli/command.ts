// What a CLI command is: its options, its positional arguments, and a run() returning its output.

import type { ParseArgsConfig } from 'node:util'
import type { Config } from '../config.js'
import type { ServiceContext } from '../service/context.js'

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>
export type OptionValues = Record<string, string | boolean | undefined>

/** What a command prints: text for people, a value for --json. */
export interface CommandOutput {
  text: string
  json: unknown
}

export interface CliEnvironment {
  env: Readonly<Record<string, string | undefined>>
  readStdin: () => Promise<string>
  stdout: (line: string) => void
  /** Whether a person types on stdin, and reads stdout, at a terminal. */
  terminal: { stdin: boolean; stdout: boolean }
  /** Asks on the terminal and reads one line without echoing it (only when `terminal.stdin`). */
  askSecret: (prompt: string) => Promise<string>
}

export interface CommandRun {
  values: OptionValues
  args: string[]
  config: Config
  io: CliEnvironment
  /** Opens the configured database (migrated to the latest unless `migrate: false`) for the command's use. */
  open: (options?: { migrate?: boolean }) => Promise<ServiceContext>
}

export interface Command {
  usage: string
  summary: string
  options?: OptionSpecs
  /** Names of the positional arguments, all required. */
  args: string[]
  run: (run: CommandRun) => Promise<CommandOutput | void>
}
