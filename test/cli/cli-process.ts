// Runs the `firehouse` CLI on a temporary SQLite file: in this process through runCli (what
// bin/firehouse.js runs, with stdin, stdout, stderr and the exit code captured), or as the real
// built binary in a child process where the process itself is what a test checks.

import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import type { TestContext } from 'node:test'
import { runCli } from '../../src/cli/main.js'
import { readUtf8Stream } from '../../src/cli/utf8-input.js'
import { assertFreshBuild } from '../helpers/fresh-build.js'

/** The project root: the CLI runs from here, as `npx firehouse` does. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const BIN = join(ROOT, 'bin', 'firehouse.js')

/** A key as `key create` and the demo print it. */
export const KEY_PATTERN = /^fh_[A-Za-z0-9_-]{43,}$/

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** The environment without the Firehouse settings of whoever runs the tests: only flags count. */
export function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of ['FIREHOUSE_DB', 'FIREHOUSE_REGION', 'FIREHOUSE_RATE_LIMIT', 'FIREHOUSE_LOG_FORMAT', 'HOST', 'PORT', 'CG_API_URL', 'CG_API_KEY'])
    delete env[name]
  return env
}

/**
 * Runs one command line to its end as a child process of the built binary; `stdin` is piped in
 * (for `-`), else stdin is closed; `env` adds variables. Each run starts Node and loads the CLI
 * (half a second or more): use runInProcess unless the process is what the test is about.
 */
export function runFirehouse(args: readonly string[], stdin = '', env: Record<string, string> = {}, timeoutMs?: number): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    // bin/firehouse.js runs dist/: refuse one older than src/ (see fresh-build.ts).
    assertFreshBuild()
    // `timeoutMs`: SIGKILLed after it (its code is then null), for a command that must end by itself.
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...cleanEnv(), ...env }, timeout: timeoutMs, killSignal: 'SIGKILL' })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(stdin)
  })
}

let inProcessTurn: Promise<unknown> = Promise.resolve()

/**
 * Runs one command line in this process through runCli, the function bin/firehouse.js wraps
 * around the real streams: the same parsing, command, output and exit code, without starting
 * Node. The result is runFirehouse's: what went to stdout and stderr, line by line, and the code.
 * stdin is not a terminal (askSecret refuses; prompts are tested with runInTerminal).
 *
 * Runs take turns, as commands typed at a shell do: better-sqlite3 waits for a lock by blocking
 * the thread, so two commands in one process on one SQLite file could block each other where
 * two processes would take turns. Tests of commands running at the same time use runFirehouse.
 */
export function runInProcess(args: readonly string[], stdin: string | Uint8Array = '', env: Record<string, string> = {}): Promise<CliResult> {
  const run = async (): Promise<CliResult> => {
    let stdout = ''
    let stderr = ''
    const code = await runCli(
      args,
      {
        env: { ...cleanEnv(), ...env },
        readStdin: () => readUtf8Stream(Readable.from([Buffer.from(stdin)]), 'standard input'),
        stdout: (line) => (stdout += `${line}\n`),
        terminal: { stdin: false, stdout: false },
        askSecret: () => Promise.reject(new Error('no terminal in an in-process run')),
      },
      (line) => (stderr += `${line}\n`),
    )
    return { code, stdout, stderr }
  }
  const result = inProcessTurn.then(run)
  inProcessTurn = result.catch(() => undefined)
  return result
}

/** The command line that runs `firehouse <args>` as a shell would read it (every word single-quoted). */
function shellCommand(args: readonly string[]): string {
  return [process.execPath, BIN, ...args].map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(' ')
}

/**
 * Spawns `firehouse <args>` in a pseudo-terminal (util-linux `script`), so its stdin and stdout are
 * a TTY, as for a person at a terminal. What it prints arrives on `stdout`, stderr mixed in, with
 * \r\n line ends; what is written to `stdin` is typed. `script -e` exits with the command's code,
 * and passes a SIGTERM on.
 */
export function spawnInTerminal(args: readonly string[], env: Record<string, string> = {}): ChildProcess {
  assertFreshBuild()
  return spawn('script', ['-qefc', shellCommand(args), '/dev/null'], {
    cwd: ROOT,
    env: { ...cleanEnv(), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
}

/**
 * Runs a command line to its end in a pseudo-terminal. Whenever the screen so far ends with one of
 * `answers`' prompts, its line is typed (once each, in order): only then, as a person would, so
 * the command has had its chance to turn the echo off.
 */
export function runInTerminal(args: readonly string[], answers: readonly [RegExp, string][] = []): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnInTerminal(args)
    const pending = [...answers]
    let stdout = ''
    let stderr = ''
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      if (pending[0]?.[0].test(stdout)) child.stdin!.write(`${pending.shift()![1]}\n`)
    })
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

export interface Workspace {
  dir: string
  db: string
  /** Runs `firehouse <args> --db <this workspace's database>` in this process (runInProcess). */
  run: (args: readonly string[], stdin?: string | Uint8Array) => Promise<CliResult>
  /** The same, as a child process of the built binary (runFirehouse). */
  runProcess: (args: readonly string[], stdin?: string) => Promise<CliResult>
  /** Runs a command that must succeed and returns its stdout. */
  ok: (args: readonly string[], stdin?: string) => Promise<string>
  /** Runs a command with --json that must succeed and returns the parsed output. */
  json: <T = unknown>(args: readonly string[], stdin?: string) => Promise<T>
  /** Writes a file into the workspace and returns its path. */
  file: (name: string, text: string) => Promise<string>
}

/** A fresh temporary folder with a database path, removed when the test ends. */
export async function createWorkspace(t: TestContext): Promise<Workspace> {
  const dir = await mkdtemp(join(tmpdir(), 'firehouse-cli-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const db = join(dir, 'firehouse.db')
  const run = (args: readonly string[], stdin?: string | Uint8Array): Promise<CliResult> =>
    runInProcess([...args, '--db', db], stdin)
  const ok = async (args: readonly string[], stdin?: string): Promise<string> => {
    const result = await run(args, stdin)
    assert.equal(result.code, 0, `firehouse ${args.join(' ')} failed: ${result.stderr}`)
    assert.equal(result.stderr, '', `firehouse ${args.join(' ')} wrote to stderr`)
    return result.stdout
  }
  return {
    dir,
    db,
    run,
    runProcess: (args, stdin) => runFirehouse([...args, '--db', db], stdin),
    ok,
    json: async <T>(args: readonly string[], stdin?: string) =>
      JSON.parse(await ok([...args, '--json'], stdin)) as T,
    file: async (name, text) => {
      const path = join(dir, name)
      await writeFile(path, text)
      return path
    },
  }
}

/**
 * A user error: non-zero exit, nothing on stdout, exactly one line on stderr matching `reason`,
 * and no stack trace, SQL or file path of the machine in it.
 */
export function assertOneLineFailure(
  result: CliResult,
  reason: RegExp,
  workspace?: Workspace,
): void {
  const shown = JSON.stringify(result)
  assert.notEqual(result.code, 0, `expected a failure: ${shown}`)
  assert.equal(result.stdout, '', `nothing on stdout: ${shown}`)
  assert.match(result.stderr, /^[^\n]+\n$/, `exactly one line on stderr: ${shown}`)
  assert.match(result.stderr, reason)
  assert.doesNotMatch(result.stderr, /^\s+at /m, 'no stack trace')
  assert.doesNotMatch(result.stderr, /\b(SELECT|INSERT|UPDATE|DELETE|WHERE)\b|sqlite/i, 'no SQL')
  assert.doesNotMatch(
    result.stderr,
    /\/(tmp|work|home|root|usr|var|proc)\/|node_modules|\.ts\b/,
    'no file path',
  )
  if (workspace) assert.ok(!result.stderr.includes(workspace.dir), 'no path of the workspace')
  assert.ok(!result.stderr.includes(ROOT), 'no path of the project')
}

/** The lines of a text output, without the final newline. */
export function lines(stdout: string): string[] {
  return stdout.replace(/\n$/, '').split('\n')
}

export interface RunningServer {
  child: ChildProcess
  /** Everything printed on stdout so far. */
  stdout: () => string
  /** Sends SIGTERM once and resolves with how the process ended. */
  stop: () => Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * Starts `firehouse serve <args>` and resolves once stdout matches `ready`; `terminal` runs it in a
 * pseudo-terminal (see spawnInTerminal), `env` adds variables.
 */
export function startServe(
  t: TestContext,
  args: readonly string[],
  ready: RegExp,
  { terminal = false, env = {} }: { terminal?: boolean; env?: Record<string, string> } = {},
): Promise<RunningServer> {
  assertFreshBuild()
  const child = terminal
    ? spawnInTerminal(['serve', ...args], env)
    : spawn(process.execPath, [BIN, 'serve', ...args], {
        cwd: ROOT,
        env: { ...cleanEnv(), ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  let stdout = ''
  let stderr = ''
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const server: RunningServer = {
    child,
    stdout: () => stdout,
    stop: () => {
      child.kill('SIGTERM')
      return exited
    },
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`serve did not get ready: ${stdout}${stderr}`)),
      30_000,
    )
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
      if (ready.test(stdout)) {
        clearTimeout(timer)
        resolve(server)
      }
    })
    void exited.then(({ code }) => {
      clearTimeout(timer)
      reject(new Error(`serve exited with ${code} before it was ready: ${stdout}${stderr}`))
    })
  })
}
