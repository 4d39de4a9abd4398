// CSV export rows: every column in order, and text a spreadsheet would run as a formula neutralised.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parse } from 'csv-parse/sync'
import { CASE_COLUMNS, casesToCsv, neutraliseFormula } from '../../src/cli/case-table.js'
import type { CaseJson } from '../../src/service/case-view.js'

const CASE: CaseJson = {
  number_customergauge: 12,
  status: 'PROGRESS',
  status_code: 50,
  status_label: 'Working',
  assigned_to: 'des.patch@directness.net',
  opened_at: '2026-11-27T10:00:00.000Z',
  followed_up_at: '2026-11-27T10:05:00.000Z',
  closed_at: null,
  updated_at: '2026-11-27T10:05:00.000Z',
  time_to_follow_up_s: 300,
  time_to_close_s: null,
  version: 2,
  history: [],
}

test('a cell starting with = + - @ tab or CR gets a leading apostrophe; other text is unchanged', () => {
  for (const risky of ['=1+1', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx']) assert.equal(neutraliseFormula(risky), `'${risky}`)
  for (const safe of ['Working', 'a=b', '', "'already"]) assert.equal(neutraliseFormula(safe), safe)
})

test('casesToCsv writes the header once and one row per case, with formula labels neutralised', () => {
  const risky = { ...CASE, number_customergauge: 13, status_label: '=HYPERLINK("http://x")', assigned_to: null }
  const text = casesToCsv([CASE, risky], true)
  const rows = parse(text) as string[][]
  assert.deepEqual(rows[0], [...CASE_COLUMNS])
  assert.deepEqual(rows[1], ['12', 'PROGRESS', '50', 'Working', 'des.patch@directness.net', CASE.opened_at, CASE.followed_up_at, '', CASE.updated_at, '300', '', '2'])
  assert.equal(rows[2]![3], `'=HYPERLINK("http://x")`)
  assert.equal(rows[2]![4], '')
  assert.equal(rows.length, 3)
  assert.equal((parse(casesToCsv([CASE], false)) as string[][]).length, 1, 'no header on later pages')
})
