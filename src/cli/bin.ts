// The process entry point of the CLI: wires runCli to the real stdin, stdout, stderr and exit code.
// Everything else is runCli's, which the CLI tests also call in-process (test/cli/cli-process.ts).

import { boundYoungGenerations } from './heap-growth.js'

// Before the CLI's modules load: loading them grows the new space to V8's maximum, which the bound
// would then keep (service/young-generation.ts).
if (process.argv[2] === 'serve') boundYoungGenerations()
const { runCli } = await import('./main.js')
const { askHidden } = await import('./secret-prompt.js')
const { readUtf8Stream } = await import('./utf8-input.js')

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
