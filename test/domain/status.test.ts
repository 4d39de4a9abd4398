// Status words, extended codes and labels, table-driven.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { resolveStatus, type ExtendedStatus } from '../../src/domain/status.js'

const EXTENDED: ExtendedStatus[] = [
  { code: 10, label: 'Waiting on customer', phase: 'PROGRESS' },
  { code: 3, label: 'Escalated', phase: 'PROGRESS' },
  { code: 0, label: 'New', phase: 'OPEN' },
  { code: 99, label: 'Resolved', phase: 'CLOSED' },
]

test('standard words resolve case-insensitively, trimmed, to their phase', () => {
  const cases: [string, string][] = [
    ['OPEN', 'OPEN'],
    ['open', 'OPEN'],
    [' In-Progress ', 'PROGRESS'],
    ['PROGRESS', 'PROGRESS'],
    ['progress', 'PROGRESS'],
    ['CLOSED', 'CLOSED'],
    ['Close', 'CLOSED'],
    ['\tclosed\n', 'CLOSED'],
  ]
  for (const [word, phase] of cases) {
    assert.deepEqual(resolveStatus(word, null), { phase, code: null, label: phase }, word)
  }
})

test('anything else is no status without an extended set', () => {
  for (const word of ['', 'OPENED', 'IN PROGRESS', 'IN_PROGRESS', '1', 'CLOSEDX', 'Escalated']) {
    assert.equal(resolveStatus(word, null), undefined, word)
  }
})

test('with an extended set: codes, labels, and standard words mapping to the lowest code of their phase', () => {
  assert.deepEqual(resolveStatus('10', EXTENDED), { phase: 'PROGRESS', code: 10, label: 'Waiting on customer' })
  assert.deepEqual(resolveStatus(' escalated ', EXTENDED), { phase: 'PROGRESS', code: 3, label: 'Escalated' })
  assert.deepEqual(resolveStatus('in-progress', EXTENDED), { phase: 'PROGRESS', code: 3, label: 'Escalated' })
  assert.deepEqual(resolveStatus('OPEN', EXTENDED), { phase: 'OPEN', code: 0, label: 'New' })
  assert.deepEqual(resolveStatus('close', EXTENDED), { phase: 'CLOSED', code: 99, label: 'Resolved' })
  assert.equal(resolveStatus('4', EXTENDED), undefined)
  assert.equal(resolveStatus('100', EXTENDED), undefined)
  assert.equal(resolveStatus('Unknown label', EXTENDED), undefined)
})

test('a phase without a code in the extended set takes the phase itself', () => {
  const withoutClosed = EXTENDED.filter((status) => status.phase !== 'CLOSED')
  assert.deepEqual(resolveStatus('CLOSED', withoutClosed), { phase: 'CLOSED', code: null, label: 'CLOSED' })
})
