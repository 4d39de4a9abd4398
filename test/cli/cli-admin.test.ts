// The operator commands for tenants, API keys, users and migrations, run in-process through runCli;
// the first migrate runs the built binary, which must open, migrate, print and exit 0 by itself.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assertOneLineFailure, createWorkspace, KEY_PATTERN, lines } from './cli-process.js'

interface KeyInfo {
  id: string
  prefix: string
  label: string | null
  admin: boolean
  created_at: string
  revoked_at: string | null
}

test('migrate applies every migration to a new database, and a second run says it is up to date', async (t) => {
  const ws = await createWorkspace(t)
  const first = await ws.runProcess(['migrate'])
  assert.deepEqual([first.code, first.stderr], [0, ''])
  assert.match(first.stdout, /^Applied 2026-\d\d-\d\d-01-tenants, .+\n$/)
  assert.deepEqual(await ws.json(['migrate']), { applied: [] })
  assert.equal(await ws.ok(['migrate']), 'The database is up to date\n')
})

test('tenant create takes --name, --region, --extended-statuses and --no-auto-open; tenant list shows them in text and --json', async (t) => {
  const ws = await createWorkspace(t)
  const acme = await ws.json([
    'tenant',
    'create',
    'acme',
    '--name',
    'Acme Inc',
    '--region',
    'us',
    '--extended-statuses',
    '--no-auto-open',
  ])
  assert.deepEqual(acme, {
    slug: 'acme',
    name: 'Acme Inc',
    region: 'us',
    extended_statuses: true,
    auto_open: false,
  })
  assert.equal(await ws.ok(['tenant', 'create', 'beta']), 'Created tenant beta (region eu)\n')

  const [text, json] = await Promise.all([
    ws.ok(['tenant', 'list']),
    ws.json<Record<string, unknown>[]>(['tenant', 'list']),
  ])
  assert.deepEqual(
    lines(text).map((line) => line.split(/\s{2,}/)),
    [
      ['slug', 'name', 'region', 'extended_statuses', 'auto_open'],
      ['acme', 'Acme Inc', 'us', 'true', 'false'],
      ['beta', 'beta', 'eu', 'false', 'true'],
    ],
  )
  assert.deepEqual(
    json.map(
      ({ created_at, ...tenant }) => (
        assert.match(String(created_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
        tenant
      ),
    ),
    [
      { slug: 'acme', name: 'Acme Inc', region: 'us', extended_statuses: true, auto_open: false },
      { slug: 'beta', name: 'beta', region: 'eu', extended_statuses: false, auto_open: true },
    ],
  )
})

test('key create prints the key alone on the last line; key list shows id, prefix, label and times, never the key or its hash', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  const text = await ws.ok(['key', 'create', 'acme', '--label', 'zendesk'])
  const textKey = lines(text).at(-1)!
  assert.match(textKey, KEY_PATTERN)
  assert.equal(text.split(textKey).length, 2, 'the key is printed once')
  const created = await ws.json<KeyInfo & { key: string }>(['key', 'create', 'acme'])
  assert.match(created.key, KEY_PATTERN)

  const [listText, list] = await Promise.all([
    ws.ok(['key', 'list', 'acme']),
    ws.json<KeyInfo[]>(['key', 'list', 'acme']),
  ])
  assert.equal(list.length, 2)
  for (const key of list)
    assert.deepEqual(Object.keys(key).sort(), ['admin', 'created_at', 'id', 'label', 'prefix', 'revoked_at'])
  assert.deepEqual(
    list.map((key) => [
      key.label,
      key.revoked_at,
      textKey.startsWith(key.prefix) || created.key.startsWith(key.prefix),
    ]),
    [
      ['zendesk', null, true],
      [null, null, true],
    ],
  )
  assert.equal(list[1]!.id, created.id)
  for (const output of [listText, JSON.stringify(list)]) {
    assert.ok(!output.includes(textKey) && !output.includes(created.key), 'no key in the list')
    assert.doesNotMatch(output, /[0-9a-f]{64}/, 'no hash in the list')
  }
  assert.match(lines(listText)[0]!, /^id\s+prefix\s+label\s+admin\s+created_at\s+revoked_at$/)
})

test('key revoke takes the key id or a unique prefix of 8 characters, and refuses a shorter prefix', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  const first = await ws.json<KeyInfo & { key: string }>(['key', 'create', 'acme'])
  const second = await ws.json<KeyInfo & { key: string }>(['key', 'create', 'acme'])

  const short = await ws.run(['key', 'revoke', 'acme', second.key.slice(0, 7)])
  assertOneLineFailure(short, /at least 8 characters/, ws)
  const byId = await ws.ok(['key', 'revoke', 'acme', first.id])
  assert.equal(byId, `Revoked key ${first.id} (${first.prefix}…)\n`)
  const byPrefix = await ws.json<KeyInfo>(['key', 'revoke', 'acme', second.key.slice(0, 8)])
  assert.equal(byPrefix.id, second.id)

  const list = await ws.json<KeyInfo[]>(['key', 'list', 'acme'])
  assert.deepEqual(
    list.map((key) => [key.id, typeof key.revoked_at]),
    [
      [first.id, 'string'],
      [second.id, 'string'],
    ],
  )
  assertOneLineFailure(await ws.run(['key', 'revoke', 'acme', first.id]), /already revoked/, ws)
})

test("user add, user list and user deactivate manage a tenant's users, in text and --json", async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  assert.equal(
    await ws.ok(['user', 'add', 'acme', 'Des.Patch@directness.net', '--name', 'Des Patch']),
    'Added user Des.Patch@directness.net (agent)\n',
  )
  const ann = await ws.json<Record<string, unknown>>([
    'user',
    'add',
    'acme',
    'ann.swer@directness.net',
  ])
  assert.deepEqual(
    { ...ann, created_at: typeof ann.created_at },
    {
      email: 'ann.swer@directness.net',
      name: null,
      active: true,
      role: 'agent',
      has_password: false,
      created_at: 'string',
    },
  )

  assert.equal(
    await ws.ok(['user', 'deactivate', 'acme', 'DES.PATCH@directness.net']),
    'Deactivated user DES.PATCH@directness.net\n',
  )
  const [text, json] = await Promise.all([
    ws.ok(['user', 'list', 'acme']),
    ws.json<Record<string, unknown>[]>(['user', 'list', 'acme']),
  ])
  assert.deepEqual(
    json.map(({ created_at, ...user }) => (assert.equal(typeof created_at, 'string'), user)),
    [
      { email: 'ann.swer@directness.net', name: null, active: true, role: 'agent', has_password: false },
      { email: 'Des.Patch@directness.net', name: 'Des Patch', active: false, role: 'agent', has_password: false },
    ],
  )
  assert.deepEqual(
    lines(text).map((line) => line.split(/\s{2,}/).slice(0, 5)),
    [
      ['email', 'name', 'role', 'active', 'has_password'],
      ['ann.swer@directness.net', '-', 'agent', 'true', 'false'],
      ['Des.Patch@directness.net', 'Des Patch', 'agent', 'false', 'false'],
    ],
  )
})
