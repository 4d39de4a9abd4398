// The process entry point of the CLI: wires runCli to the real stdin, stdout, stderr and exit code.

import { runCli } from './main.js'

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

process.exitCode = await runCli(
  process.argv.slice(2),
  { env: process.env, readStdin, stdout: (line) => process.stdout.write(`${line}\n`) },
  (line) => process.stderr.write(`${line}\n`),
)
