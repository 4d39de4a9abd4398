// The process entry point of the CLI: wires runCli to the real stdin, stdout, stderr and exit code.
// Everything else is runCli's, which the CLI tests also call in-process (test/cli/cli-process.ts).

import { runCli } from './main.js'
import { askHidden } from './secret-prompt.js'
import { readUtf8Stream } from './utf8-input.js'

process.exitCode = await runCli(
  process.argv.slice(2),
  {
    env: process.env,
    readStdin: () => readUtf8Stream(process.stdin, 'standard input'),
    stdout: (line) => process.stdout.write(`${line}\n`),
    terminal: { stdin: process.stdin.isTTY === true, stdout: process.stdout.isTTY === true },
    // Prompts go to stderr, so stdout keeps only the command's output (--json stays parseable).
    askSecret: (prompt) => askHidden(process.stdin, process.stderr, prompt),
  },
  (line) => process.stderr.write(`${line}\n`),
)
