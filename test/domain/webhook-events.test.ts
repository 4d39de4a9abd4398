// Which event a history entry makes (SPEC §8): opened, closed or updated, by the phases it moves between.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Phase } from '../../src/domain/status.js'
import { eventTypeOf } from '../../src/domain/webhook-events.js'

const status = (phase: Phase) => ({ phase, code: null, label: phase })

test('an entry that creates the case, in any phase, or moves it into OPEN is case.opened; into CLOSED case.closed; else case.updated', () => {
  const cases: [Phase | null, Phase, string][] = [
    [null, 'OPEN', 'case.opened'],
    [null, 'PROGRESS', 'case.opened'],
    [null, 'CLOSED', 'case.opened'],
    ['CLOSED', 'OPEN', 'case.opened'],
    ['PROGRESS', 'OPEN', 'case.opened'],
    ['OPEN', 'CLOSED', 'case.closed'],
    ['PROGRESS', 'CLOSED', 'case.closed'],
    ['OPEN', 'OPEN', 'case.updated'],
    ['OPEN', 'PROGRESS', 'case.updated'],
    ['CLOSED', 'CLOSED', 'case.updated'],
    ['CLOSED', 'PROGRESS', 'case.updated'],
  ]
  for (const [from, to, type] of cases) {
    assert.equal(eventTypeOf({ statusFrom: from === null ? null : status(from), statusTo: status(to) }), type, `${from} -> ${to}`)
  }
})
