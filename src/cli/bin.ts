// The process entry point of the CLI: wires runCli to the real stdin, stdout, stderr and exit code.

import { runCli } from './main.js'
import { askHidden } from './secret-prompt.js'
import { decodeUtf8Input } from './utf8-input.js'

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return decodeUtf8Input(Buffer.concat(chunks), 'standard input')
}

process.exitCode = await runCli(
  process.argv.slice(2),
  {
    env: process.env,
    readStdin,
    stdout: (line) => process.stdout.write(`${line}\n`),
    terminal: { stdin: process.stdin.isTTY === true, stdout: process.stdout.isTTY === true },
    // Prompts go to stderr, so stdout keeps only the command's output (--json stays parseable).
    askSecret: (prompt) => askHidden(process.stdin, process.stderr, prompt),
  },
  (line) => process.stderr.write(`${line}\n`),
)
