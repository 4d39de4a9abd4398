// Runs the real `firehouse serve` as a child process and finds the address it prints.

import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { assertFreshBuild } from './fresh-build.js'

const BIN = fileURLToPath(new URL('../../bin/firehouse.js', import.meta.url))
const PROJECT = fileURLToPath(new URL('../..', import.meta.url))

export interface ServerProcess {
  url: string
  child: ChildProcess
  /** Everything the process printed so far (stdout and stderr). */
  output: () => string
  /** Sends a signal and resolves with the exit code (null when killed by a signal). */
  stop: (signal?: NodeJS.Signals) => Promise<number | null>
}

export async function spawnServer(db: string, options: { args?: string[]; env?: Record<string, string> } = {}): Promise<ServerProcess> {
  // bin/firehouse.js runs dist/: refuse one older than src/ (see fresh-build.ts).
  assertFreshBuild()
  const child = spawn(process.execPath, [BIN, 'serve', '--db', db, '--port', '0', '--workers', '1', ...(options.args ?? [])], {
    cwd: PROJECT,
    env: { ...process.env, FIREHOUSE_LOG_LEVEL: 'warn', FIREHOUSE_RATE_LIMIT: '0', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 20_000)
    const check = (): void => {
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    child.stdout!.on('data', check)
    child.once('exit', () => {
      clearTimeout(timer)
      reject(new Error(`server exited before listening: ${output}`))
    })
  })
  return {
    url,
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}
