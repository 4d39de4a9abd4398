// The pure rules of SPEC §9: what counts as a status change and a change of assignee, the order of the
// two refusals, auto_open's matching, and a rules update checked whole.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FirehouseError } from '../../src/domain/errors.js'
import type { CaseStatus } from '../../src/domain/status.js'
import { applyRulesUpdate, checkRules, DEFAULT_RULES, isTrueValue, opensCase, parseNpsRange, type WorkflowRules } from '../../src/domain/workflow-rules.js'

const status = (phase: CaseStatus['phase'], code: number | null = null, label: string = phase): CaseStatus => ({ phase, code, label })
const OPEN = status('OPEN')
const rules = (overrides: Partial<WorkflowRules>): WorkflowRules => ({ ...DEFAULT_RULES, ...overrides })
const refusal = (code: number) => (error: unknown) => error instanceof FirehouseError && error.code === code

test('another code of the same phase is a status change; the same status with a new assignee is not', () => {
  const strict = rules({ commentOnStatusChange: true })
  const before = { status: status('PROGRESS', 20, 'Called'), assignedTo: 'a@x' }
  assert.throws(() => checkRules(strict, before, { status: status('PROGRESS', 21, 'Waiting'), assignedTo: 'a@x' }, undefined, OPEN), refusal(400204))
  assert.doesNotThrow(() => checkRules(strict, before, { status: status('PROGRESS', 20, 'Called'), assignedTo: 'b@x' }, undefined, OPEN))
  assert.doesNotThrow(() => checkRules(strict, before, { status: status('CLOSED'), assignedTo: 'a@x' }, 'done', OPEN))
  assert.throws(() => checkRules(strict, before, { status: status('CLOSED'), assignedTo: 'a@x' }, '', OPEN), refusal(400204), 'an empty comment is none')
})

test('a new case counts as coming from OPEN (the tenant\'s OPEN status) with no assignee', () => {
  const opened = status('OPEN', 1, 'New')
  assert.doesNotThrow(() => checkRules(rules({ commentOnStatusChange: true }), null, { status: opened, assignedTo: null }, undefined, opened))
  assert.throws(() => checkRules(rules({ commentOnStatusChange: true }), null, { status: status('OPEN', 2, 'Triage'), assignedTo: null }, undefined, opened), refusal(400204))
  assert.throws(() => checkRules(rules({ commentOnReassign: true }), null, { status: opened, assignedTo: 'a@x' }, undefined, opened), refusal(400204))
  assert.throws(() => checkRules(rules({ progressive: true }), null, { status: status('CLOSED'), assignedTo: null }, 'x', opened), refusal(400205))
})

test('progressive refuses only an OPEN-phase status going straight into CLOSED, naming both; it is checked before the comment rules', () => {
  const all = rules({ progressive: true, commentOnStatusChange: true, commentOnReassign: true })
  assert.throws(
    () => checkRules(all, { status: status('OPEN', 3, 'New'), assignedTo: null }, { status: status('CLOSED', 90, 'Solved'), assignedTo: null }, undefined, OPEN),
    (error: unknown) => error instanceof FirehouseError && error.code === 400205 && error.message === 'Status change not allowed: New → Solved',
  )
  const progressive = rules({ progressive: true })
  for (const [from, to] of [['OPEN', 'PROGRESS'], ['PROGRESS', 'CLOSED'], ['CLOSED', 'OPEN'], ['CLOSED', 'PROGRESS'], ['PROGRESS', 'OPEN'], ['CLOSED', 'CLOSED']] as const) {
    assert.doesNotThrow(() => checkRules(progressive, { status: status(from), assignedTo: null }, { status: status(to), assignedTo: null }, undefined, OPEN), `${from} → ${to}`)
  }
})

test('removing the assignee is a change of assignee', () => {
  assert.throws(() => checkRules(rules({ commentOnReassign: true }), { status: OPEN, assignedTo: 'a@x' }, { status: OPEN, assignedTo: null }, undefined, OPEN), refusal(400204))
})

test('auto_open: the NPS range includes both ends; the field is true for JSON true and the texts true, 1, yes in any case', () => {
  const record = (nps: number | null, fields: Record<string, unknown> = {}) => ({ nps, field: (name: string) => fields[name] })
  const range = { npsMin: 2, npsMax: 4, field: null }
  assert.deepEqual([1, 2, 4, 5].map((nps) => opensCase(range, record(nps))), [false, true, true, false])
  assert.equal(opensCase(range, record(null)), false)
  const field = { npsMin: null, npsMax: null, field: 'contact_me' }
  assert.equal(opensCase(field, record(0)), false, 'no NPS rule')
  assert.equal(opensCase(field, record(9, { contact_me: 'YES' })), true)
  assert.deepEqual([true, 'true', ' True ', '1', 'yes'].map(isTrueValue), [true, true, true, true, true])
  assert.deepEqual([false, 1, 'y', 'on', '', null, undefined, {}, ['yes']].map(isTrueValue), Array(9).fill(false))
})

test('a rules update keeps what it does not name, takes null as a value, and is checked whole', () => {
  const next = applyRulesUpdate(DEFAULT_RULES, { progressive: true, autoOpen: { field: 'contact_me' } })
  assert.deepEqual(next, { ...DEFAULT_RULES, progressive: true, autoOpen: { npsMin: 0, npsMax: 6, field: 'contact_me' } })
  assert.deepEqual(applyRulesUpdate(next, { autoOpen: { npsMin: null, npsMax: null, field: undefined } }).autoOpen, { npsMin: null, npsMax: null, field: 'contact_me' })
  for (const autoOpen of [{ npsMin: null }, { npsMin: 7, npsMax: 3 }, { npsMax: 11 }, { npsMin: -1 }, { npsMin: 1.5 }, { field: '' }, { field: ' x' }, { field: 'a\u0007' }, { field: 'x'.repeat(101) }]) {
    assert.throws(() => applyRulesUpdate(DEFAULT_RULES, { autoOpen }), refusal(300001), JSON.stringify(autoOpen))
  }
})

test('an NPS range from the CLI is MIN-MAX', () => {
  assert.deepEqual(parseNpsRange('0-6'), { npsMin: 0, npsMax: 6 })
  assert.deepEqual(parseNpsRange(' 9 - 10 '), { npsMin: 9, npsMax: 10 })
  for (const text of ['6', '0-', '-6', '0–6', 'a-b', '100-1', '0-6-7']) assert.equal(parseNpsRange(text), undefined, text)
})
