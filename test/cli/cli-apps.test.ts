// `firehouse app create|list|revoke` (SPEC §10), run in-process through runCli: the secret is shown
// once, lists never show it nor its hash, revoke works within the tenant only.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assertOneLineFailure, createWorkspace, lines } from './cli-process.js'

const CLIENT_ID = /^fhc_[A-Za-z0-9_-]{22}$/
const SECRET = /^fhs_[A-Za-z0-9_-]{43}$/

interface AppInfo {
  client_id: string
  name: string
  created_at: string
  revoked_at: string | null
}

test('app create prints the client id and the secret once (the secret alone on the last line; --json {client_id, client_secret}); app list never shows a secret or a hash', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  const text = lines(await ws.ok(['app', 'create', 'acme', '--name', 'Help desk']))
  assert.match(text[0]!, /^Created app Help desk\. Store the secret now: it is not shown again\.$/)
  const clientId = /^client_id (\S+)$/.exec(text[1]!)?.[1]
  assert.match(clientId ?? '', CLIENT_ID)
  const secret = text.at(-1)!
  assert.match(secret, SECRET)
  const created = await ws.json<Record<string, string>>(['app', 'create', 'acme', '--name', 'Sync job'])
  assert.deepEqual(Object.keys(created), ['client_id', 'client_secret'])
  assert.match(created.client_id!, CLIENT_ID)
  assert.match(created.client_secret!, SECRET)

  const listed = await ws.json<AppInfo[]>(['app', 'list', 'acme'])
  assert.deepEqual(listed.map((app) => [app.client_id, app.name, app.revoked_at]), [[clientId, 'Help desk', null], [created.client_id, 'Sync job', null]])
  assert.deepEqual(Object.keys(listed[0]!), ['client_id', 'name', 'created_at', 'revoked_at'])
  const shown = `${await ws.ok(['app', 'list', 'acme'])}${JSON.stringify(listed)}`
  assert.match(shown, /^client_id\s+name\s+created_at\s+revoked_at/)
  for (const value of [secret, created.client_secret!]) assert.ok(!shown.includes(value.slice(4)), 'a secret in app list')
  assert.doesNotMatch(shown, /[0-9a-f]{64}/, 'a hash in app list')
})

test('app revoke marks the app revoked; a client id of another tenant, an unknown or already revoked one is refused in one line and changes nothing', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  await ws.ok(['tenant', 'create', 'beta'])
  const acme = await ws.json<{ client_id: string }>(['app', 'create', 'acme', '--name', 'Desk'])
  const beta = await ws.json<{ client_id: string }>(['app', 'create', 'beta', '--name', 'Beta desk'])
  assert.deepEqual((await ws.json<AppInfo[]>(['app', 'list', 'acme'])).map((app) => app.client_id), [acme.client_id], "each tenant lists its own apps")
  assertOneLineFailure(await ws.run(['app', 'revoke', 'acme', beta.client_id]), /No active app of this tenant has this client id/, ws)
  assert.equal((await ws.json<AppInfo[]>(['app', 'list', 'beta']))[0]!.revoked_at, null, "beta's app is untouched")
  assert.match(await ws.ok(['app', 'revoke', 'acme', acme.client_id]), new RegExp(`^Revoked app ${acme.client_id} \\(Desk\\)\\n$`))
  const [revoked] = await ws.json<AppInfo[]>(['app', 'list', 'acme'])
  assert.match(revoked!.revoked_at ?? '', /^\d{4}-\d{2}-\d{2}T/)
  assertOneLineFailure(await ws.run(['app', 'revoke', 'acme', acme.client_id]), /No active app/, ws)
  assertOneLineFailure(await ws.run(['app', 'revoke', 'acme', 'fhc_nope']), /No active app/, ws)
})

test('app create refuses a missing, empty or overlong name and an unknown tenant in one line', async (t) => {
  const ws = await createWorkspace(t)
  await ws.ok(['tenant', 'create', 'acme'])
  assertOneLineFailure(await ws.run(['app', 'create', 'acme']), /needs a name \(--name\)/, ws)
  assertOneLineFailure(await ws.run(['app', 'create', 'acme', '--name', '  ']), /needs a name/, ws)
  assertOneLineFailure(await ws.run(['app', 'create', 'acme', '--name', 'x'.repeat(201)]), /at most 200 characters/, ws)
  assertOneLineFailure(await ws.run(['app', 'create', 'nope', '--name', 'Desk']), /Unknown tenant: nope/, ws)
  assert.deepEqual(await ws.json(['app', 'list', 'acme']), [])
})
