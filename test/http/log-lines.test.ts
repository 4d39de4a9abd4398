// The JSON log's way to standard output (src/http/log-lines.ts): the lines of one turn of the event
// loop go to the destination as one text (whole lines, at most PIPE_BUF bytes a write, so that
// processes sharing a pipe never cut each other's lines), in order, and none is lost, neither to a
// slow reader nor when the process exits right after writing them.

import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { test } from 'node:test'
import { promisify } from 'node:util'
import { ATOMIC_WRITE_BYTES, gatherPerTurn } from '../../src/http/log-lines.js'

const MODULE = new URL('../../src/http/log-lines.ts', import.meta.url).href
const run = promisify(execFile)

test("one turn's lines reach the destination as one text, after the turn, in order", async () => {
  const texts: string[] = []
  const lines = gatherPerTurn({ write: (text) => texts.push(text) })
  lines.write('a\n')
  lines.write('b\n')
  lines.write('c\n')
  assert.deepEqual(texts, [], 'written before the turn ended: one write per line again')
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(texts, ['a\nb\nc\n'])
  lines.write('d\n')
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(texts, ['a\nb\nc\n', 'd\n'])
})

test('a turn of many lines is handed over in whole lines, at most 4,096 bytes a write (a longer line alone)', async () => {
  const texts: string[] = []
  const lines = gatherPerTurn({ write: (text) => texts.push(text) })
  const written: string[] = []
  // 300 lines of 5 to 303 bytes, most of them 'é's (two bytes each in UTF-8), then one of 5,000 bytes.
  for (let n = 0; n < 300; n++) written.push(`${String(n).padStart(3, '0')} ${'é'.repeat(n % 150)}\n`)
  written.push(`${'x'.repeat(4_999)}\n`)
  for (const line of written) lines.write(line)
  await new Promise((resolve) => setImmediate(resolve))
  assert.equal(texts.join(''), written.join(''))
  assert.ok(texts.length > 1 && texts.length < 40, `${texts.length} writes`)
  for (const text of texts.slice(0, -1)) {
    assert.ok(Buffer.byteLength(text) <= ATOMIC_WRITE_BYTES, `a write of ${Buffer.byteLength(text)} bytes`)
    assert.ok(text.endsWith('\n'), 'a write ends inside a line')
  }
  assert.equal(texts.at(-1), written.at(-1), 'the long line is not written alone')
})

test('flush hands over what waits at once, and nothing twice', async () => {
  const texts: string[] = []
  const lines = gatherPerTurn({ write: (text) => texts.push(text) })
  lines.write('a\n')
  lines.flush()
  assert.deepEqual(texts, ['a\n'])
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(texts, ['a\n'])
})

/** Runs a process that writes `body`'s lines to standard output through the sink, and returns what it printed. */
async function printed(body: string): Promise<string> {
  const script = `
    const { standardOutputLines } = await import(${JSON.stringify(MODULE)})
    const lines = standardOutputLines()
    const line = (n) => JSON.stringify({ n, msg: 'request completed', pad: 'x'.repeat(250) }) + '\\n'
    ${body}`
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  })
  return stdout
}

function numbersIn(output: string): number[] {
  return output
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => (JSON.parse(line) as { n: number }).n)
}

test('lines written just before process.exit are on standard output', async () => {
  const output = await printed(`
    for (let n = 0; n < 1000; n++) lines.write(line(n))
    process.exit(0)`)
  assert.deepEqual(numbersIn(output), Array.from({ length: 1000 }, (_, n) => n))
})

test('20,000 lines over many turns reach a pipe whole and in order', async () => {
  const output = await printed(`
    for (let turn = 0; turn < 200; turn++) {
      for (let n = turn * 100; n < turn * 100 + 100; n++) lines.write(line(n))
      await new Promise((resolve) => setImmediate(resolve))
    }`)
  assert.deepEqual(numbersIn(output), Array.from({ length: 20_000 }, (_, n) => n))
})
