// The SLA badge (SPEC §7) and the password rule, table-driven.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { normalizePassword } from '../../src/domain/people.js'
import { durationWords, slaBadge, type SlaTimes } from '../../src/domain/sla.js'

const OPENED = '2026-11-01T00:00:00.000Z'
const at = (hours: number) => new Date(Date.parse(OPENED) + hours * 3_600_000).toISOString()
const TARGETS = { followUpHours: 24, closeHours: 120 }

test('slaBadge: open cases against the follow-up target, cases in progress against the close target, closed ones met or missed', () => {
  const rows: [SlaTimes, number, string][] = [
    [{ phase: 'OPEN', openedAt: OPENED, followedUpAt: null, closedAt: null }, 21, 'due in 3 h'],
    [{ phase: 'OPEN', openedAt: OPENED, followedUpAt: null, closedAt: null }, 23.5, 'due in 30 min'],
    [{ phase: 'OPEN', openedAt: OPENED, followedUpAt: null, closedAt: null }, 24.01, 'overdue'],
    [{ phase: 'PROGRESS', openedAt: OPENED, followedUpAt: at(2), closedAt: null }, 30, 'due in 4 d'],
    [{ phase: 'PROGRESS', openedAt: OPENED, followedUpAt: at(2), closedAt: null }, 121, 'overdue'],
    [{ phase: 'CLOSED', openedAt: OPENED, followedUpAt: at(2), closedAt: at(100) }, 500, 'met'],
    [{ phase: 'CLOSED', openedAt: OPENED, followedUpAt: at(30), closedAt: at(100) }, 500, 'missed'],
    [{ phase: 'CLOSED', openedAt: OPENED, followedUpAt: at(2), closedAt: at(121) }, 500, 'missed'],
  ]
  for (const [times, hoursLater, text] of rows) {
    assert.equal(slaBadge(times, TARGETS, new Date(at(hoursLater))).text, text, `${times.phase} at +${hoursLater} h`)
  }
})

test('durationWords rounds up, so a badge never says "due in 0 h"', () => {
  assert.deepEqual([1, 59_999, 3_600_001, 47 * 3_600_000, 49 * 3_600_000].map(durationWords), ['1 min', '1 min', '2 h', '47 h', '3 d'])
})

test('a password has 10 to 256 code points, any Unicode, taken in NFC form', () => {
  assert.equal(normalizePassword('cafe\u0301 au lait'), 'caf\u00e9 au lait')
  assert.equal(normalizePassword('🔥'.repeat(256)).length, 512)
  for (const bad of ['short', '123456789', '🔥'.repeat(257)]) assert.throws(() => normalizePassword(bad), { code: 300001 })
})
