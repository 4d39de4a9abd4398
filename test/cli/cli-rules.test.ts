// `firehouse rules show|set` and `key create --admin`, run in-process through runCli (SPEC §9).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assertOneLineFailure, createWorkspace, KEY_PATTERN, lines } from './cli-process.js'

const DEFAULTS = {
  progressive: false,
  comment_on_status_change: false,
  comment_on_reassign: false,
  auto_open: { nps_min: 0, nps_max: 6, field: null },
}

test('rules show prints the defaults; rules set changes only the rules it names and prints them all; --json is the API shape', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  assert.deepEqual(await ws.json(['rules', 'show', 'acme']), DEFAULTS)
  assert.deepEqual(lines(await ws.ok(['rules', 'show', 'acme'])), [
    'progressive               off',
    'comment on status change  off',
    'comment on reassign       off',
    'auto-open NPS             0-6',
    'auto-open field           off',
  ])
  const set = await ws.json(['rules', 'set', 'acme', '--progressive', 'on', '--comment-on-reassign', 'ON', '--auto-open-nps', '9-10', '--auto-open-field', 'contact_me'])
  const expected = { ...DEFAULTS, progressive: true, comment_on_reassign: true, auto_open: { nps_min: 9, nps_max: 10, field: 'contact_me' } }
  assert.deepEqual(set, expected)
  assert.deepEqual(await ws.json(['rules', 'show', 'acme']), expected)
  const off = await ws.json(['rules', 'set', 'acme', '--progressive', 'off', '--auto-open-nps', 'off'])
  assert.deepEqual(off, { ...expected, progressive: false, auto_open: { nps_min: null, nps_max: null, field: 'contact_me' } })
  assert.match(await ws.ok(['rules', 'set', 'acme', '--auto-open-field', 'off']), /auto-open field\s+off/)
})

test('rules set refuses a bad value in one line and changes nothing', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  const refusals: Array<[string[], RegExp]> = [
    [['--progressive', 'yes'], /--progressive is on or off/],
    [['--auto-open-nps', '7-3'], /nps_min is greater than nps_max/],
    [['--auto-open-nps', '0-11'], /0 to 10/],
    [['--auto-open-nps', 'six'], /--auto-open-nps is a range MIN-MAX/],
    [['--auto-open-field', ' padded'], /auto_open.field/],
    [[], /Nothing to change/],
  ]
  for (const [flags, reason] of refusals) assertOneLineFailure(await ws.run(['rules', 'set', 'acme', ...flags]), reason, ws)
  assertOneLineFailure(await ws.run(['rules', 'show', 'nope']), /Unknown tenant: nope/, ws)
  assert.deepEqual(await ws.json(['rules', 'show', 'acme']), DEFAULTS)
})

test('key create --admin makes an admin key; key list shows which keys are admin keys', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  const created = await ws.ok(['key', 'create', 'acme', '--label', 'ops', '--admin'])
  assert.match(lines(created)[0]!, /^Created admin key /)
  assert.match(lines(created).at(-1)!, KEY_PATTERN)
  assert.equal((await ws.json<{ admin: boolean }>(['key', 'create', 'acme', '--label', 'desk'])).admin, false)
  const keys = await ws.json<Array<{ label: string; admin: boolean }>>(['key', 'list', 'acme'])
  assert.deepEqual(keys.map((key) => [key.label, key.admin]), [['ops', true], ['desk', false]])
  assert.match(await ws.ok(['key', 'list', 'acme']), /^id\s+prefix\s+label\s+admin\s+created_at/)
})
