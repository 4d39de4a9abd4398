// NDJSON parsed in slices (src/service/record-files.ts, for the writer thread) must read any file
// exactly as the whole-file parse does: the same rows with the same line numbers, or the same
// refusal naming the same line, wherever the slices are cut; and it lets the event loop turn
// between slices.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { parseNdjsonInSlices, parseRecordFile } from '../../src/service/record-files.js'

const line = fc.oneof(
  { arbitrary: fc.record({ number_customergauge: fc.nat(1_000), nps: fc.integer({ min: -1, max: 11 }), comment: fc.string({ maxLength: 12 }) }).map((record) => JSON.stringify(record)), weight: 6 },
  { arbitrary: fc.constantFrom('', '   ', '\r'), weight: 2 },
  { arbitrary: fc.constantFrom('{"number_customergauge": 1.50, "nps": 1e1}', '{"a": {"b": [1, {"c": 2}]}}'), weight: 1 },
  { arbitrary: fc.constantFrom('{"number_customergauge": ', '[1, 2]', 'nonsense', '{"x": ' + '['.repeat(80) + ']'.repeat(80) + '}'), weight: 1 },
)

/** What a parse gave: its rows, or its refusal's message. */
async function outcome(parse: () => unknown): Promise<unknown> {
  try {
    return { rows: await parse() }
  } catch (error) {
    return { refused: (error as Error).message }
  }
}

test('NDJSON in slices of any size reads as the whole file does (1,000 files)', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(line, { maxLength: 30 }), fc.boolean(), fc.integer({ min: 1, max: 8 }), async (lines, crlf, sliceLines) => {
      const text = lines.join(crlf ? '\r\n' : '\n')
      let turns = 0
      const whole = await outcome(() => parseRecordFile(text, 'ndjson'))
      const sliced = await outcome(() => parseNdjsonInSlices(text, async () => void turns++, sliceLines))
      assert.deepEqual(sliced, whole)
      if ('rows' in (whole as object)) assert.equal(turns, Math.floor((text.split('\n').length - 1) / sliceLines) + 1, 'a turn after the scan, then one every sliceLines lines')
    }),
    { numRuns: 1_000 },
  )
})
