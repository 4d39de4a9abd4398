// applyChange: the SPEC §1 timing rules and history entries, table-driven.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { applyChange, type CaseState } from '../../src/domain/case.js'
import type { CaseStatus, Phase } from '../../src/domain/status.js'

const T0 = '2026-11-27T10:00:00.000Z'
const T1 = '2026-11-27T11:00:00.000Z'
const T2 = '2026-11-27T12:00:00.000Z'

const status = (phase: Phase, code: number | null = null): CaseStatus => ({ phase, code, label: code === null ? phase : `${phase}-${code}` })

function caseIn(phase: Phase, followedUpAt: string | null, closedAt: string | null, code: number | null = null): CaseState {
  return { status: status(phase, code), assignedTo: null, openedAt: T0, followedUpAt, closedAt, updatedAt: T1, happenedAt: T1, historyCount: 3 }
}

test('a new case opens at the call, and gets its timings when created in PROGRESS or CLOSED', () => {
  const rows: [Phase | undefined, string | null, string | null][] = [
    [undefined, null, null],
    ['OPEN', null, null],
    ['PROGRESS', T0, null],
    ['CLOSED', T0, T0],
  ]
  for (const [phase, followedUpAt, closedAt] of rows) {
    const { next, entry } = applyChange(null, { status: phase && status(phase), actor: 'key:k' }, T0)
    assert.equal(next.status.phase, phase ?? 'OPEN')
    assert.deepEqual([next.openedAt, next.followedUpAt, next.closedAt], [T0, followedUpAt, closedAt], String(phase))
    assert.deepEqual([entry.seq, entry.statusFrom, entry.statusTo.phase], [1, null, phase ?? 'OPEN'])
  }
})

test('timings follow the phase moves of SPEC §1', () => {
  const rows: [string, CaseState, CaseStatus, string | null, string | null][] = [
    ['OPEN -> PROGRESS sets followed_up_at', caseIn('OPEN', null, null), status('PROGRESS'), T2, null],
    ['OPEN -> CLOSED sets both', caseIn('OPEN', null, null), status('CLOSED'), T2, T2],
    ['PROGRESS -> CLOSED keeps followed_up_at, sets closed_at', caseIn('PROGRESS', T1, null), status('CLOSED'), T1, T2],
    ['CLOSED -> OPEN (reopen) clears both', caseIn('CLOSED', T1, T1), status('OPEN'), null, null],
    ['PROGRESS -> OPEN clears followed_up_at', caseIn('PROGRESS', T1, null), status('OPEN'), null, null],
    ['CLOSED -> PROGRESS clears closed_at only', caseIn('CLOSED', T1, T1), status('PROGRESS'), T1, null],
    ['CLOSED code 1 -> CLOSED code 2 keeps both', caseIn('CLOSED', T0, T1, 1), status('CLOSED', 2), T0, T1],
    ['PROGRESS code 1 -> PROGRESS code 2 keeps followed_up_at', caseIn('PROGRESS', T1, null, 1), status('PROGRESS', 2), T1, null],
  ]
  for (const [name, current, to, followedUpAt, closedAt] of rows) {
    const { next } = applyChange(current, { status: to, actor: 'key:k' }, T2)
    assert.deepEqual([next.followedUpAt, next.closedAt], [followedUpAt, closedAt], name)
    assert.equal(next.openedAt, T0, name)
    assert.equal(next.updatedAt, T2, name)
  }
})

test('a call that changes nothing is still one entry, with equal from and to values', () => {
  const current = { ...caseIn('PROGRESS', T1, null), assignedTo: 'a@example.com' }
  const { next, entry } = applyChange(current, { comment: 'just a note', actor: 'key:k' }, T2)
  assert.equal(next.historyCount, 4)
  assert.deepEqual(
    [entry.seq, entry.statusFrom, entry.statusTo, entry.assignedFrom, entry.assignedTo, entry.comment, entry.actor],
    [4, current.status, current.status, 'a@example.com', 'a@example.com', 'just a note', 'key:k'],
  )
  assert.deepEqual([next.followedUpAt, next.closedAt], [T1, null])
})

test('a back-dated change times the case by when it happened; at and updated_at stay when it was recorded', () => {
  const opened = applyChange(null, { actor: 'key:k', happenedAt: T0 }, T2)
  assert.deepEqual([opened.next.openedAt, opened.next.updatedAt, opened.next.happenedAt], [T0, T2, T0])
  assert.deepEqual([opened.entry.at, opened.entry.happenedAt], [T2, T0])
  const followed = applyChange(opened.next, { status: status('PROGRESS'), actor: 'key:k', happenedAt: T1 }, T2)
  assert.deepEqual([followed.next.followedUpAt, followed.next.closedAt, followed.next.updatedAt], [T1, null, T2])
  const closed = applyChange(followed.next, { status: status('CLOSED'), actor: 'key:k', happenedAt: T1 }, T2)
  assert.deepEqual([closed.next.openedAt, closed.next.followedUpAt, closed.next.closedAt], [T0, T1, T1])
  assert.deepEqual([closed.entry.at, closed.entry.happenedAt], [T2, T1])
})

test('a change without happened_at takes the later of now and the latest entry\'s happened_at', () => {
  const rows: [string, string, string][] = [
    ['the latest happened before now', T1, T2],
    ['the latest happened after now (back-dated slightly ahead)', T2, T2],
    ['the latest happened at now', T2, T2],
  ]
  for (const [name, latest, expected] of rows) {
    const current = { ...caseIn('OPEN', null, null), happenedAt: latest }
    const { next, entry } = applyChange(current, { status: status('CLOSED'), actor: 'key:k' }, name.includes('after') ? T1 : T2)
    assert.deepEqual([entry.happenedAt, next.happenedAt, next.closedAt], [expected, expected, expected], name)
  }
})
