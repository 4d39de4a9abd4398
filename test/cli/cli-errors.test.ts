// Bad input to every command: a non-zero exit with one line saying why, and nothing written. The
// commands run in-process through runCli; the last test checks the built binary's exit codes.

import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test } from 'node:test'
import { assertOneLineFailure, createWorkspace } from './cli-process.js'

test('bad input exits non-zero with one line naming the reason, without a stack trace, SQL or path, and changes nothing', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  await ws.ok(['user', 'add', 'acme', 'des.patch@directness.net'])
  const missing = join(ws.dir, 'missing.csv')

  const cases: [string, string[], RegExp][] = [
    ['unknown command', ['frobnicate'], /Unknown command: frobnicate/],
    ['missing arguments', ['user', 'add', 'acme'], /Usage: firehouse user add <tenant> <email>/],
    ['unknown option', ['tenant', 'list', '--verbose'], /Unknown option '--verbose'/],
    // parseArgs explains this one over three lines; it still comes out as one.
    [
      'option without its value',
      ['key', 'create', 'acme', '--label', '--json'],
      /Option '--label' argument is ambiguous/,
    ],
    ['unknown tenant', ['key', 'create', 'nope'], /Unknown tenant: nope/],
    ['duplicate tenant', ['tenant', 'create', 'acme'], /Tenant acme already exists/],
    ['bad slug', ['tenant', 'create', 'Acme_Inc'], /slug/],
    ['bad region', ['tenant', 'create', 'zeta', '--region', 'mars'], /eu, us, au/],
    [
      'duplicate user, whatever the case',
      ['user', 'add', 'acme', 'DES.Patch@directness.net'],
      /already exists/,
    ],
    ['bad e-mail', ['user', 'add', 'acme', 'des.patch'], /Not an e-mail address/],
    ['unknown user', ['user', 'deactivate', 'acme', 'ann.swer@directness.net'], /Unknown user/],
    ['nonexistent file', ['records', 'import', 'acme', missing], /no such file/],
    ['case show for a CG-ID the tenant does not have', ['case', 'show', 'acme', '12'], /not found/],
    [
      'case show for a CG-ID that is not a number',
      ['case', 'show', 'acme', '12abc'],
      /number_customergauge/,
    ],
  ]
  const results = await Promise.all(cases.map(([, args]) => ws.run(args)))
  cases.forEach(([name, , reason], index) => {
    const result = results[index]!
    assert.doesNotThrow(
      () => assertOneLineFailure(result, reason, ws),
      `${name}: ${JSON.stringify(result)}`,
    )
  })

  const [tenants, users] = await Promise.all([
    ws.json<{ slug: string }[]>(['tenant', 'list']),
    ws.json<{ email: string; active: boolean }[]>(['user', 'list', 'acme']),
  ])
  assert.deepEqual(
    tenants.map((tenant) => tenant.slug),
    ['acme'],
  )
  assert.deepEqual(
    users.map(({ email, active }) => ({ email, active })),
    [{ email: 'des.patch@directness.net', active: true }],
  )
})

test('the built binary exits 2 on a usage mistake and 1 on a refusal, with the one line on stderr', async (t) => {
  const ws = await createWorkspace(t)
  const [usage, refusal] = await Promise.all([
    ws.runProcess(['frobnicate']),
    ws.runProcess(['key', 'create', 'nope']),
  ])
  assertOneLineFailure(usage, /^error: Unknown command: frobnicate/, ws)
  assertOneLineFailure(refusal, /^error: Unknown tenant: nope\n$/, ws)
  assert.deepEqual([usage.code, refusal.code], [2, 1])
})
