// parseWorkflowInput: CG-ID forms, repeats, trimming and comment rules, table-driven.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FirehouseError } from '../../src/domain/errors.js'
import { parseWorkflowInput, type RawField } from '../../src/domain/workflow-input.js'

const codeOf = (fields: RawField[]): number | 'ok' => {
  try {
    parseWorkflowInput(fields)
    return 'ok'
  } catch (error) {
    assert.ok(error instanceof FirehouseError)
    return error.code
  }
}
const cgid = (value: unknown): RawField[] => [{ name: 'number_customergauge', value }]

test('CG-ID parsing (TESTPLAN I4)', () => {
  const rows: [unknown, number | 'ok'][] = [
    ['1', 'ok'],
    [' 12 ', 'ok'],
    ['01', 'ok'],
    [String(2 ** 53 - 1), 'ok'],
    [2 ** 53 - 1, 'ok'],
    [12, 'ok'],
    ['', 300004],
    ['   ', 300004],
    [null, 300004],
    ['0', 300001],
    [0, 300001],
    ['-1', 300001],
    ['+1', 300001],
    ['1e3', 300001],
    ['0x10', 300001],
    ['１２', 300001],
    ['12abc', 300001],
    ['1 2', 300001],
    ['1.0', 300001],
    [1.5, 300001],
    [-3, 300001],
    [String(2 ** 53), 300001],
    [2 ** 53, 300001],
    ['18446744073709551616', 300001],
    [true, 300001],
  ]
  for (const [value, expected] of rows) assert.equal(codeOf(cgid(value)), expected, JSON.stringify(value))
  assert.equal(codeOf([]), 300004)
})

test('values are trimmed (but not the comment), empties are absent, unknown fields ignored', () => {
  const input = parseWorkflowInput([
    { name: 'number_customergauge', value: ' 7 ' },
    { name: 'status', value: '  CLOSE ' },
    { name: 'assigned_to', value: '   ' },
    { name: 'comment', value: '  spaced  ' },
    { name: 'unknown', value: 'x' },
    { name: 'unknown', value: 'y' },
  ])
  assert.deepEqual(input, { numberCustomergauge: 7, status: 'CLOSE', comment: '  spaced  ', assignedTo: undefined })
  assert.equal(parseWorkflowInput([...cgid('7'), { name: 'comment', value: '' }]).comment, undefined)
})

test('a known field given twice is 300001, more than 100 fields is 300000, non-string values 300001', () => {
  assert.equal(codeOf([...cgid('1'), { name: 'status', value: 'OPEN' }, { name: 'status', value: 'OPEN' }]), 300001)
  assert.equal(codeOf([...cgid('1'), ...cgid('1')]), 300001)
  const many = Array.from({ length: 100 }, (_, i) => ({ name: `f${i}`, value: 'x' }))
  assert.equal(codeOf([...cgid('1'), ...many.slice(1)]), 'ok')
  assert.equal(codeOf([...cgid('1'), ...many]), 300000)
  assert.equal(codeOf([...cgid('1'), { name: 'status', value: 3 }]), 300001)
  assert.equal(codeOf([...cgid('1'), { name: 'comment', value: { a: 1 } }]), 300001)
})

test('comment rules: 10,000 code points, XML-safe characters (TESTPLAN I2)', () => {
  const comment = (value: string): RawField[] => [...cgid('1'), { name: 'comment', value }]
  assert.equal(codeOf(comment('😀'.repeat(10_000))), 'ok')
  assert.equal(codeOf(comment('😀'.repeat(10_001))), 400202)
  assert.equal(codeOf(comment('a'.repeat(10_001))), 400202)
  // At the bound in UTF-16 units and in code points: 10,000 units are never more code points.
  assert.equal(codeOf(comment('a'.repeat(10_000))), 'ok')
  assert.equal(codeOf(comment(`${'a'.repeat(9_999)}😀`)), 'ok')
  assert.equal(codeOf(comment(`${'a'.repeat(10_000)}😀`)), 400202)
  assert.equal(codeOf(comment('tab\tcr\rlf\n ok')), 'ok')
  for (let c = 0; c < 0x20; c++) {
    if (c === 0x09 || c === 0x0a || c === 0x0d) continue
    assert.equal(codeOf(comment(`a${String.fromCharCode(c)}b`)), 400203, `U+${c.toString(16)}`)
  }
  for (const bad of ['\uFFFE', '\uFFFF', '\uD800', 'x\uDC00', '\uDBFF']) {
    assert.equal(codeOf(comment(bad)), 400203, JSON.stringify(bad))
  }
  assert.equal(codeOf(comment('\u007F\u0085\uFFFD\u{10FFFF}')), 'ok')
})

test('happened_at: a fifth field, trimmed, given twice or not a string 300001, malformed 400207 after the comment\'s checks', () => {
  const at = (value: unknown): RawField[] => [...cgid('1'), { name: 'happened_at', value }]
  assert.equal(parseWorkflowInput(at(' 2026-11-27T12:00:00+02:00 ')).happenedAt, '2026-11-27T10:00:00.000Z')
  assert.equal(parseWorkflowInput(at('2026-11-27 10:00:00')).happenedAt, '2026-11-27T10:00:00.000Z')
  assert.equal(parseWorkflowInput(at('   ')).happenedAt, undefined)
  assert.equal('happenedAt' in parseWorkflowInput(cgid('1')), false)
  assert.equal(codeOf([...at('2026-11-27T10:00:00Z'), { name: 'happened_at', value: '2026-11-27T10:00:00Z' }]), 300001)
  assert.equal(codeOf(at(1764237600)), 300001)
  for (const malformed of ['2026-13-01T00:00:00Z', 'yesterday', '2026-11-27', '2026-11-27T10:00:00']) {
    assert.equal(codeOf(at(malformed)), 400207, malformed)
  }
  // The comment's faults answer first; a malformed happened_at before a field type's fault never does.
  assert.equal(codeOf([...at('yesterday'), { name: 'comment', value: 'x'.repeat(10_001) }]), 400202)
  assert.equal(codeOf([...at('yesterday'), { name: 'status', value: 5 }]), 300001)
})
