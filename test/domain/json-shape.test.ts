// scanJsonShape: depth, members as written and numbers not in decimal digits, for each layout.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { findTooDeep, MAX_JSON_DEPTH, scanJsonShape } from '../../src/domain/json-shape.js'

const nested = (levels: number): string => `${'['.repeat(levels)}${']'.repeat(levels)}`

test(`nesting beyond ${MAX_JSON_DEPTH} is found where it starts, brackets in strings aside, without a stack`, () => {
  assert.equal(findTooDeep(nested(MAX_JSON_DEPTH)), -1)
  assert.equal(findTooDeep(nested(MAX_JSON_DEPTH + 1)), MAX_JSON_DEPTH)
  assert.equal(findTooDeep(`{"a":"${'['.repeat(100)}","b":"\\"[[[","c":{}}`), -1)
  assert.equal(findTooDeep('['.repeat(1_000_000)), MAX_JSON_DEPTH)
  const lines = scanJsonShape(`{"a":1}\n\n{"b":${nested(MAX_JSON_DEPTH)}}\n`, 'lines')
  assert.deepEqual([lines.tooDeepAt > 0, lines.record], [true, 2])
  // A line's unterminated string or object ends with the line: the next line is read as itself.
  for (const broken of ['{"a":"cut', '{"a":1', '{"a":{"b":[', '}}]]']) {
    const cut = scanJsonShape(`${broken}\n{"a":1}\n{"b":${nested(MAX_JSON_DEPTH)}}`, 'lines')
    assert.deepEqual([cut.tooDeepAt > 0, cut.record, cut.members[1]], [true, 2, 1], broken)
  }
  const array = scanJsonShape(`[{"a":1},{"b":2},{"c":${nested(MAX_JSON_DEPTH - 1)}}]`, 'array')
  assert.deepEqual([array.tooDeepAt > 0, array.record], [true, 2])
})

test('records: members as written (repeats included) and, at the record level only, numbers not written in decimal digits', () => {
  const text = '[{"a":1,"a":2,"n":1E2,"s":"x:1.5,"},7,{"n\\u0061me":-0,"deep":{"n":1.5},"list":[1.0],"ok":12},{}]'
  const shape = scanJsonShape(text, 'array')
  assert.equal(shape.tooDeepAt, -1)
  assert.deepEqual(Array.from(shape.members), [4, undefined, 4, 0])
  assert.deepEqual([...shape.numberTexts].map(([index, texts]) => [index, { ...texts }]), [
    [0, { n: '1E2' }],
    [2, { name: '-0' }],
  ])
  const lines = scanJsonShape('{"x":1.0}\r\n\n{"y":"1.0","z":3}\n[1.5]\n', 'lines')
  assert.deepEqual([Array.from(lines.members), [...lines.numberTexts.keys()]], [[1, undefined, 2], [0]])
})
