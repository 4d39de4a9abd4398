// `records import` refuses what POST /api/v1/records refuses (issue 13, items 8, 11, 12): deep
// nesting, integers not in decimal digits, text XML cannot carry, repeated columns, days that do
// not exist, invalid UTF-8 in a file or on stdin. One line names the line; nothing is imported.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { assertFreshBuild } from '../helpers/fresh-build.js'
import { assertOneLineFailure, cleanEnv, createWorkspace, ROOT, type CliResult } from './cli-process.js'

/** Runs `firehouse <args>` with raw bytes on stdin (runFirehouse sends text only). */
function runWithStdinBytes(args: readonly string[], stdin: Uint8Array): Promise<CliResult> {
  assertFreshBuild()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'firehouse.js'), ...args], { cwd: ROOT, env: cleanEnv() })
    let [stdout, stderr] = ['', '']
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(stdin)
  })
}

const GOOD_LINES = '{"number_customergauge":1,"nps":2}\n{"number_customergauge":2,"nps":3}\n'

test('records import refuses a file nested 4,500 deep, 1E2, a lone surrogate, a NUL, a repeated column or 2026-02-30 in one line naming the line; nothing is imported', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  const bad: Array<{ file: string; text: string; reason: RegExp }> = [
    { file: 'deep.ndjson', text: `${GOOD_LINES}{"number_customergauge":3,"x":${'['.repeat(4_500)}${']'.repeat(4_500)}}\n`, reason: /^error: line 3: nested deeper than 32 arrays and objects\n$/ },
    { file: 'deep.json', text: `[{"number_customergauge":1},{"number_customergauge":2,"x":${'{"a":'.repeat(4_500)}1${'}'.repeat(4_500)}}]`, reason: /^error: line 2: nested deeper than 32 arrays and objects\n$/ },
    { file: 'exponent.ndjson', text: `${GOOD_LINES}{"number_customergauge":1E2}\n`, reason: /^error: line 3: number_customergauge must be an integer from 1 to 9007199254740991 written in decimal digits\n$/ },
    { file: 'fraction.json', text: '[{"number_customergauge":1},{"number_customergauge":2,"nps":1.0}]', reason: /^error: line 2: nps must be an integer from 0 to 10 written in decimal digits\n$/ },
    { file: 'surrogate.ndjson', text: `${GOOD_LINES}{"number_customergauge":3,"comment":"cut \\ud83d"}\n`, reason: /^error: line 3: comment contains a character that is not allowed\n$/ },
    { file: 'nul.csv', text: 'number_customergauge,nps,account\n1,2,ok\n2,3,"a\u0000b"\n', reason: /^error: line 3: account contains a character that is not allowed\n$/ },
    { file: 'columns.csv', text: 'number_customergauge,nps,nps\n1,2,9\n', reason: /^error: line 1: the column "nps" is given more than once\n$/ },
    { file: 'date.csv', text: 'number_customergauge,nps,date_creation\n1,2,2026-02-28\n2,3,2026-02-30\n', reason: /^error: line 3: date_creation must be an ISO 8601 date\n$/ },
  ]
  const results = await Promise.all(bad.map(async ({ file, text }) => ws.run(['records', 'import', 'acme', await ws.file(file, text)])))
  results.forEach((result, index) => assertOneLineFailure(result, bad[index]!.reason, ws))
  assertOneLineFailure(await ws.run(['case', 'show', 'acme', '1']), /Workflow not found/, ws)
  assert.deepEqual(await ws.json(['records', 'import', 'acme', '-'], GOOD_LINES), { imported: 2, updated: 0, opened: 2 })
})

test('records import refuses invalid UTF-8 in a file or on stdin (an encoded surrogate), never storing U+FFFD', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  // U+D83D encoded as if it were a character (CESU-8), then a cut two-byte sequence: neither is UTF-8.
  const surrogate = Buffer.concat([Buffer.from('number_customergauge,nps,comment\n1,2,"'), Buffer.from([0xed, 0xa0, 0xbd]), Buffer.from('"\n')])
  const cut = Buffer.concat([Buffer.from(GOOD_LINES), Buffer.from('{"number_customergauge":3,"comment":"caf'), Buffer.from([0xc3]), Buffer.from('"}\n')])
  const file = join(ws.dir, 'surrogate.csv')
  await writeFile(file, surrogate)
  assertOneLineFailure(await ws.run(['records', 'import', 'acme', file]), /^error: the input file is not valid UTF-8\n$/, ws)
  const fromStdin = await runWithStdinBytes(['records', 'import', 'acme', '-', '--db', ws.db], cut)
  assertOneLineFailure(fromStdin, /^error: standard input is not valid UTF-8\n$/, ws)
  assertOneLineFailure(await ws.run(['case', 'show', 'acme', '1']), /Workflow not found/, ws)
})
