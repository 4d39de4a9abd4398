// /settings (SPEC §7) over real HTTP: admins only, each form's effect read back through the services, refusals change nothing.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { listApiKeys } from '../../src/service/api-keys.js'
import type { ServiceContext } from '../../src/service/context.js'
import { loadSettings } from '../../src/service/settings.js'
import { getTenant } from '../../src/service/tenants.js'
import { addUser, listUsers, setPassword, setRole } from '../../src/service/users.js'
import { getCase } from '../helpers/api-v1.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { caller, createTestTenant, expectError, expectOk, form, serverPerFile, uniqueSlug } from '../helpers/server.js'
import { addPerson, getPage, postForm, signIn, type SignedIn } from '../helpers/web.js'

const ADMIN = 'admin@acme.test'
const AGENT = 'agent@acme.test'
const NEW_PASSWORD = 'a brand new passphrase'
const HOSTILE = `<script>alert(1)</script> "'& مرحبا بالعالم`
const HOSTILE_ESCAPED = `&lt;script>alert(1)&lt;/script> &quot;'&amp; مرحبا بالعالم`

const serverFor = serverPerFile()

/** A server with tenant acme (record 12, an API key) and its signed-in admin. */
async function setup(kind: TestDatabaseKind) {
  const server = await serverFor(kind)
  const slug = uniqueSlug()
  const acme = await createTestTenant(server.ctx, { slug, records: [12] })
  await addPerson(server.ctx, slug, ADMIN, 'admin', 'Ada Admin')
  const admin = await signIn(server.url, slug, ADMIN)
  const get = (person: SignedIn = admin) => getPage(server.url, '/settings', person)
  const post = (path: string, fields: Record<string, string>, person: SignedIn | null = admin, headers: Record<string, string> = {}) =>
    postForm(server.url, path, person, fields, headers)
  return { server, acme, admin, get, post }
}

/** Everything /settings can change for a tenant, as the services read it. */
async function snapshot(ctx: ServiceContext, slug: string) {
  const tenant = await getTenant(ctx, slug)
  return { ...(await loadSettings(ctx, { id: tenant.id, slug })), keys: await listApiKeys(ctx, slug) }
}

async function expectRedirect(answer: Response, location: RegExp): Promise<void> {
  assert.equal(answer.status, 303, await answer.text())
  assert.match(answer.headers.get('location') ?? '', location)
}

/** A refusal: the status, and the page's alert carrying the code and a message matching `message`. */
async function expectRefusal(answer: Response, status: number, message: RegExp, code = 300001): Promise<string> {
  const html = await answer.text()
  assert.equal(answer.status, status, html.slice(0, 500))
  const alert = /<div class="error" role="alert" id="[^"]+" data-code="(\d+)"><p>([^<]*)<\/p>/.exec(html)
  assert.ok(alert, `the page shows the refusal as an alert: ${html.slice(0, 300)}`)
  assert.equal(Number(alert[1]), code)
  assert.match(alert[2]!, message)
  return html
}

/** Every form of the page, with fields that would change something if accepted. */
function everyPost(acmeKeyId: string): Array<[string, Record<string, string>]> {
  return [
    ['/settings/users', { email: 'new@acme.test', name: 'New', role: 'admin', password: NEW_PASSWORD }],
    ['/settings/users/role', { email: AGENT, role: 'admin' }],
    ['/settings/users/deactivate', { email: ADMIN }],
    ['/settings/users/password', { email: ADMIN, password: NEW_PASSWORD }],
    ['/settings/keys', { label: 'sneaky' }],
    ['/settings/keys/revoke', { id: acmeKeyId }],
    ['/settings/statuses/enabled', { enabled: '1' }],
    ['/settings/statuses', { table: '10,New,OPEN' }],
    ['/settings/sla', { follow_up_hours: '1', close_hours: '2' }],
    ['/settings/rules', { progressive: '1', nps_min: '', nps_max: '', field: 'contact_me' }],
  ]
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] an agent gets 403 (200001) on GET /settings and on every form's POST, and nothing changes`, async () => {
    const { server, acme, get, post } = await setup(kind)
    await addPerson(server.ctx, acme.slug, AGENT, 'agent')
    const agent = await signIn(server.url, acme.slug, AGENT)
    const before = await snapshot(server.ctx, acme.slug)
    const page = await get(agent)
    assert.equal(page.status, 403)
    assert.match(await page.text(), /Only admins can change settings/)
    for (const [path, fields] of everyPost(acme.keyId)) {
      const answer = await post(path, fields, agent)
      assert.equal(answer.status, 403, path)
      assert.match(await answer.text(), /Only admins can change settings/, path)
    }
    assert.deepEqual(await snapshot(server.ctx, acme.slug), before)
    // The agent's board does not link to it either.
    assert.doesNotMatch(await (await getPage(server.url, '/board', agent)).text(), /href="\/settings"/)
  })

  test(`[${kind.name}] an admin demoted mid-session is refused (403) on the next request, GET and POST`, async () => {
    const { server, acme, get, post } = await setup(kind)
    assert.equal((await get()).status, 200)
    await setRole(server.ctx, acme.slug, ADMIN, 'agent')
    const before = await snapshot(server.ctx, acme.slug)
    assert.equal((await get()).status, 403)
    assert.equal((await post('/settings/sla', { follow_up_hours: '2', close_hours: '3' })).status, 403)
    assert.deepEqual(await snapshot(server.ctx, acme.slug), before)
  })

  test(`[${kind.name}] an admin adds a user with a role and a password (who can sign in), changes the role, and deactivating ends that user's session`, async () => {
    const { server, acme, admin, get, post } = await setup(kind)
    const added = await post('/settings/users', { email: 'Nia@acme.test', name: 'Nia', role: 'admin', password: NEW_PASSWORD })
    await expectRedirect(added, /^\/settings\?saved=add-user#users$/)
    const nia = (await listUsers(server.ctx, acme.slug)).find((user) => user.email === 'Nia@acme.test')
    assert.deepEqual({ ...nia, created_at: undefined }, { email: 'Nia@acme.test', name: 'Nia', active: true, role: 'admin', has_password: true, created_at: undefined })
    const page = await (await getPage(server.url, '/settings?saved=add-user', admin)).text()
    assert.match(page, /<td>Nia@acme\.test<\/td><td dir="auto">Nia<\/td><td>admin<\/td><td>yes<\/td><td>yes<\/td>/)
    assert.match(page, /role="status">The user was added\./)

    const niaSession = await signIn(server.url, acme.slug, 'nia@acme.test', NEW_PASSWORD)
    assert.equal((await get(niaSession)).status, 200, 'a new admin may open settings')
    await expectRedirect(await post('/settings/users/role', { email: 'nia@acme.test', role: 'agent' }), /^\/settings\?saved=set-role#users$/)
    assert.equal((await listUsers(server.ctx, acme.slug)).find((user) => user.email === 'Nia@acme.test')?.role, 'agent')
    assert.equal((await get(niaSession)).status, 403, 'the role is read with the session on every request')
    assert.equal((await getPage(server.url, '/board', niaSession)).status, 200)

    await expectRedirect(await post('/settings/users/deactivate', { email: 'nia@acme.test' }), /^\/settings\?saved=deactivate#users$/)
    assert.equal((await listUsers(server.ctx, acme.slug)).find((user) => user.email === 'Nia@acme.test')?.active, false)
    const board = await getPage(server.url, '/board', niaSession)
    assert.equal(board.status, 303)
    assert.match(board.headers.get('location') ?? '', /^\/login/)
  })

  test(`[${kind.name}] adding a user with a short password or a wrong role answers 400 (300001) and adds nobody`, async () => {
    const { server, acme, post } = await setup(kind)
    const before = await snapshot(server.ctx, acme.slug)
    const short = await expectRefusal(await post('/settings/users', { email: 'x@acme.test', name: 'X', role: 'agent', password: 'short' }), 400, /10 to 256 characters/)
    assert.match(short, /id="add-user-email"[^>]* value="x@acme\.test"/, 'what was typed is kept')
    assert.doesNotMatch(short, /value="short"/, 'never the password')
    await expectRefusal(await post('/settings/users', { email: 'y@acme.test', role: 'owner' }), 400, /role is one of agent, admin/)
    await expectRefusal(await post('/settings/users', { email: ADMIN.toUpperCase(), role: 'agent' }), 400, /already exists/)
    assert.deepEqual(await snapshot(server.ctx, acme.slug), before)
  })

  test(`[${kind.name}] setting a password ends the user's sessions, and the new password signs in; a short one answers 400`, async () => {
    const { server, acme, post } = await setup(kind)
    await addPerson(server.ctx, acme.slug, AGENT, 'agent')
    const agent = await signIn(server.url, acme.slug, AGENT)
    const before = await snapshot(server.ctx, acme.slug)
    await expectRefusal(await post('/settings/users/password', { email: AGENT, password: 'too short' }), 400, /10 to 256 characters/)
    assert.deepEqual(await snapshot(server.ctx, acme.slug), before)
    assert.equal((await getPage(server.url, '/board', agent)).status, 200, 'a refused password leaves the session alone')

    await expectRedirect(await post('/settings/users/password', { email: AGENT, password: NEW_PASSWORD }), /saved=set-password#users$/)
    const board = await getPage(server.url, '/board', agent)
    assert.equal(board.status, 303)
    assert.match(board.headers.get('location') ?? '', /^\/login/)
    const old = await postForm(server.url, '/login', null, { workspace: acme.slug, email: AGENT, password: 'correct horse battery' })
    assert.equal(old.status, 401, 'the old password no longer signs in')
    await signIn(server.url, acme.slug, AGENT, NEW_PASSWORD)
  })

  test(`[${kind.name}] a created API key is shown once on its answer page, works on POST /v4.1/workflow.json, and once revoked answers 401 (200000)`, async () => {
    const { server, acme, get, post } = await setup(kind)
    const created = await post('/settings/keys', { label: 'Help desk' })
    const html = await created.text()
    assert.equal(created.status, 200, html.slice(0, 300))
    assert.equal(created.headers.get('cache-control'), 'no-store')
    assert.match(html, /copy it now, it is not shown again/)
    const key = /value="(fh_[A-Za-z0-9_-]{43})"/.exec(html)?.[1]
    assert.ok(key, 'the page shows the whole key')
    await expectOk(await caller(server, key)(form({ number_customergauge: 12, status: 'in-progress' })), 12)

    const later = await (await get()).text()
    assert.ok(!later.includes(key), 'the key is never shown again')
    assert.ok(later.includes(`<code>${key.slice(0, 12)}…</code>`), 'the list shows its prefix')
    assert.match(later, /<td dir="auto">Help desk<\/td>/)

    const info = (await listApiKeys(server.ctx, acme.slug)).find((candidate) => candidate.label === 'Help desk')
    assert.ok(info)
    await expectRedirect(await post('/settings/keys/revoke', { id: info.id }), /saved=revoke-key#keys$/)
    await expectError(await caller(server, key)(form({ number_customergauge: 12, status: 'closed' })), 401, 200000, 'json')
    assert.notEqual((await listApiKeys(server.ctx, acme.slug)).find((candidate) => candidate.id === info.id)?.revoked_at, null)
    await expectRefusal(await post('/settings/keys/revoke', { id: info.id }), 400, /already revoked/)
  })

  test(`[${kind.name}] the status table is replaced from CSV rows and switched on, then v4.1 takes an extended code; a bad row answers 400 with its line and changes nothing`, async () => {
    const { server, acme, get, post } = await setup(kind)
    const send = caller(server, acme.key)
    await expectRedirect(await post('/settings/statuses', { table: '10,New,OPEN\r\n20,Calling back,progress\r\n30,Solved,CLOSED\r\n' }), /saved=statuses-table#statuses$/)
    await expectError(await send(form({ number_customergauge: 12, status: '20' })), 400, 400011, 'json')
    await expectRedirect(await post('/settings/statuses/enabled', { enabled: '1' }), /saved=statuses-enabled#statuses$/)
    await expectOk(await send(form({ number_customergauge: 12, status: '20' })), 12)
    const view = await getCase(server, acme.key, 12)
    assert.deepEqual([view.status, view.status_code, view.status_label], ['PROGRESS', 20, 'Calling back'])
    const page = await (await get()).text()
    assert.match(page, /The extended status set is <strong>on<\/strong>/)
    assert.match(page, /<td>20<\/td><td dir="auto">Calling back<\/td><td>PROGRESS<\/td>/)

    const before = await snapshot(server.ctx, acme.slug)
    const typed = '1,Fresh,OPEN\n2,Later,SOMEDAY\n'
    const bad = await expectRefusal(await post('/settings/statuses', { table: typed }), 400, /^line 2: phase must be one of OPEN, PROGRESS, CLOSED$/)
    assert.ok(bad.includes(`${typed}</textarea>`), 'the rows typed are kept to be fixed')
    await expectRefusal(await post('/settings/statuses', { table: 'code,label,phase\n1,Fresh,OPEN\n\n100,Too big,OPEN' }), 400, /^line 4: code must be an integer/)
    await expectRefusal(await post('/settings/statuses', { table: '1,One,OPEN\n1,Again,CLOSED' }), 400, /only once/)
    await expectRefusal(await post('/settings/statuses', { table: '  \n' }), 400, /The table is empty/)
    await expectRefusal(await post('/settings/statuses/enabled', { enabled: 'yes' }), 400, /enabled must be 1/)
    assert.deepEqual(await snapshot(server.ctx, acme.slug), before)

    await expectRedirect(await post('/settings/statuses/enabled', { enabled: '0' }), /saved=statuses-enabled/)
    await expectError(await send(form({ number_customergauge: 12, status: '30' })), 400, 400011, 'json')
  })

  test(`[${kind.name}] SLA targets are saved and shown; out of range or not a whole number answers 400 (300001) and changes nothing`, async () => {
    const { server, acme, get, post } = await setup(kind)
    const defaults = await (await get()).text()
    assert.match(defaults, /id="sla-follow-up"[^>]* value="24"/)
    assert.match(defaults, /id="sla-close"[^>]* value="120"/)
    await expectRedirect(await post('/settings/sla', { follow_up_hours: '4', close_hours: '48' }), /^\/settings\?saved=sla#sla$/)
    const page = await (await get()).text()
    assert.match(page, /id="sla-follow-up"[^>]* value="4"/)
    assert.match(page, /id="sla-close"[^>]* value="48"/)
    assert.match(page, /Follow up within <strong>4 h<\/strong>, close within <strong>2 d<\/strong>/)

    const before = await snapshot(server.ctx, acme.slug)
    assert.deepEqual(before.sla, { followUpHours: 4, closeHours: 48 })
    for (const [followUp, close] of [['0', '48'], ['4', '8785'], ['4.5', '48'], ['abc', '48'], ['', '48'], ['-1', '48']]) {
      const refused = await expectRefusal(await post('/settings/sla', { follow_up_hours: followUp!, close_hours: close! }), 400, /SLA target|whole number of hours/)
      // Preact writes an empty value as a bare attribute.
      const shown = followUp === '' ? ' value/>' : ` value="${followUp}"/>`
      assert.ok(refused.includes(`name="follow_up_hours" type="number" inputmode="numeric" min="1" max="8784" step="1" required${shown}`), `${followUp} is shown again`)
    }
    assert.deepEqual(await snapshot(server.ctx, acme.slug), before)
  })

  test(`[${kind.name}] workflow rules are saved and shown, hold for the next v4.1 call at once, and a bad range answers 400 (300001) keeping what was typed`, async () => {
    const { server, acme, get, post } = await setup(kind)
    const defaults = await (await get()).text()
    assert.match(defaults, /id="rules-nps-min"[^>]* value="0"/)
    assert.match(defaults, /id="rules-nps-max"[^>]* value="6"/)
    assert.doesNotMatch(defaults, /id="rules-progressive"[^>]* checked/)
    const saved = { progressive: '1', comment_on_reassign: '1', nps_min: '', nps_max: '', field: 'contact_me' }
    await expectRedirect(await post('/settings/rules', saved), /^\/settings\?saved=rules#rules$/)
    const page = await (await get()).text()
    assert.match(page, /id="rules-progressive"[^>]* checked/)
    assert.match(page, /id="rules-comment_on_reassign"[^>]* checked/)
    assert.doesNotMatch(page, /id="rules-comment_on_status_change"[^>]* checked/)
    assert.match(page, /id="rules-field"[^>]* value="contact_me"/)
    const before = await snapshot(server.ctx, acme.slug)
    assert.deepEqual(before.rules, { progressive: true, commentOnStatusChange: false, commentOnReassign: true, autoOpen: { npsMin: null, npsMax: null, field: 'contact_me' } })
    // The rule holds for the very next call of another surface.
    await expectError(await caller(server, acme.key)(form({ number_customergauge: 12, status: 'CLOSED' })), 400, 400205, 'json')

    for (const [min, max, reason] of [['7', '3', /greater than/], ['3', '', /both numbers or both null/], ['11', '12', /0 to 10/], ['x', '6', /whole number/]] as const) {
      const refused = await expectRefusal(await post('/settings/rules', { ...saved, nps_min: min, nps_max: max }), 400, reason)
      assert.match(refused, new RegExp(`id="rules-nps-min"[^>]* value="${min}"`), 'what was typed is shown again')
    }
    assert.deepEqual(await snapshot(server.ctx, acme.slug), before)
  })

  test(`[${kind.name}] an admin key made on the board may PUT the rules; a plain one may not`, async () => {
    const { server, acme, post } = await setup(kind)
    const keyOf = async (fields: Record<string, string>) => {
      const html = await (await post('/settings/keys', fields)).text()
      return /id="new-key"[^>]* value="([^"]+)"/.exec(html)![1]!
    }
    const plain = await keyOf({ label: 'desk' })
    const admin = await keyOf({ label: 'ops', admin: '1' })
    const put = (key: string) =>
      fetch(`${server.url}/api/v1/settings/workflow`, { method: 'PUT', headers: { authorization: `api_key ${key}`, 'content-type': 'application/json' }, body: '{"progressive":true}' })
    assert.equal((await put(plain)).status, 403)
    assert.equal((await put(admin)).status, 200)
    const keys = await listApiKeys(server.ctx, acme.slug)
    assert.deepEqual(keys.filter((key) => key.label !== 'test').map((key) => [key.label, key.admin]), [['desk', false], ['ops', true]])
  })

  test(`[${kind.name}] the last active admin who can sign in cannot be deactivated or demoted (400, 300001); with another one they can`, async () => {
    const { server, acme, get, post } = await setup(kind)
    const before = await snapshot(server.ctx, acme.slug)
    await expectRefusal(await post('/settings/users/deactivate', { email: ADMIN }), 400, /last active admin/)
    await expectRefusal(await post('/settings/users/role', { email: ADMIN, role: 'agent' }), 400, /last active admin/)
    // An admin without a password could not sign in to undo it: they do not count.
    await addUser(server.ctx, acme.slug, 'nopassword@acme.test', undefined, 'admin')
    await expectRefusal(await post('/settings/users/role', { email: ADMIN, role: 'agent' }), 400, /last active admin/)
    assert.deepEqual((await snapshot(server.ctx, acme.slug)).users.find((user) => user.email === ADMIN), before.users.find((user) => user.email === ADMIN))

    await setPassword(server.ctx, acme.slug, 'nopassword@acme.test', NEW_PASSWORD)
    await expectRedirect(await post('/settings/users/deactivate', { email: 'nopassword@acme.test' }), /saved=deactivate/)
    await expectRefusal(await post('/settings/users/deactivate', { email: ADMIN }), 400, /last active admin/)
    await addPerson(server.ctx, acme.slug, 'second@acme.test', 'admin')
    // Demoting oneself is allowed once another admin remains, and leads to the board.
    await expectRedirect(await post('/settings/users/role', { email: ADMIN, role: 'agent' }), /^\/board$/)
    assert.equal((await get()).status, 403)
  })

  test(`[${kind.name}] a POST without the _csrf field, with a wrong one, or from another origin answers 403 and changes nothing`, async () => {
    const { server, acme, admin, post } = await setup(kind)
    const before = await snapshot(server.ctx, acme.slug)
    const cookie = { cookie: admin.cookie }
    for (const [path, fields] of everyPost(acme.keyId)) {
      assert.equal((await post(path, fields, null, cookie)).status, 403, `${path} without _csrf`)
      assert.equal((await post(path, { ...fields, _csrf: 'x'.repeat(admin.csrf.length) }, admin)).status, 403, `${path} with a wrong _csrf`)
      assert.equal((await post(path, fields, admin, { origin: 'https://evil.example' })).status, 403, `${path} from another origin`)
      assert.equal((await post(path, fields, admin, { 'sec-fetch-site': 'cross-site' })).status, 403, `${path} cross-site`)
    }
    assert.deepEqual(await snapshot(server.ctx, acme.slug), before)
    // The same form from the server's own origin goes through, so the refusals above were the checks'.
    await expectRedirect(await post('/settings/sla', { follow_up_hours: '5', close_hours: '50' }, admin, { origin: server.url, 'sec-fetch-site': 'same-origin' }), /saved=sla/)
  })

  test(`[${kind.name}] names and labels with HTML-special characters and right-to-left text are shown escaped`, async () => {
    const { server, acme, get, post } = await setup(kind)
    await expectRedirect(await post('/settings/users', { email: 'rtl@acme.test', name: HOSTILE, role: 'agent' }), /saved=add-user/)
    const created = await (await post('/settings/keys', { label: HOSTILE })).text()
    assert.ok(created.includes(`New key “${HOSTILE_ESCAPED}”`))
    const csv = `1,"${HOSTILE.replaceAll('"', '""')}",OPEN`
    await expectRedirect(await post('/settings/statuses', { table: csv }), /saved=statuses-table/)
    const page = await (await get()).text()
    assert.ok(!page.includes('<script>alert(1)</script>'), 'the raw markup never reaches the page')
    assert.ok(!created.includes('<script>alert(1)</script>'))
    const cells = page.split(`<td dir="auto">${HOSTILE_ESCAPED}</td>`).length - 1
    assert.equal(cells, 3, 'the user name, the key label and the status label, each escaped')
    assert.ok(page.includes(`<option value="rtl@acme.test">${HOSTILE_ESCAPED} (rtl@acme.test)</option>`))
  })

  test(`[${kind.name}] an admin of one tenant can neither see nor change another tenant's users and keys`, async () => {
    const { server, acme, get, post } = await setup(kind)
    const beta = await createTestTenant(server.ctx, { slug: uniqueSlug('beta'), users: ['bob@beta.test'] })
    await addUser(server.ctx, beta.slug, 'boss@beta.test', 'Boss', 'admin')
    const betaBefore = await snapshot(server.ctx, beta.slug)
    const page = await (await get()).text()
    assert.ok(!page.includes('bob@beta.test') && !page.includes('boss@beta.test'), 'no user of beta is listed')
    assert.ok(!page.includes(betaBefore.keys[0]!.prefix), "beta's key is not listed")

    await expectRefusal(await post('/settings/keys/revoke', { id: beta.keyId }), 400, /No key of this tenant/)
    await expectRefusal(await post('/settings/users/deactivate', { email: 'bob@beta.test' }), 400, /Unknown user/)
    await expectRefusal(await post('/settings/users/role', { email: 'boss@beta.test', role: 'agent' }), 400, /Unknown user/)
    await expectRefusal(await post('/settings/users/password', { email: 'bob@beta.test', password: NEW_PASSWORD }), 400, /Unknown user/)
    // A tenant named in the form is ignored: the session's tenant is the one written to.
    await post('/settings/users', { email: 'planted@beta.test', role: 'admin', tenant: beta.slug, tenant_id: beta.slug })
    await post('/settings/sla', { follow_up_hours: '1', close_hours: '1', tenant: beta.slug })
    assert.deepEqual(await snapshot(server.ctx, beta.slug), betaBefore)
    assert.ok((await listUsers(server.ctx, acme.slug)).some((user) => user.email === 'planted@beta.test'))
    // beta's key still authenticates: an unknown record (400200), not a revoked key (200000).
    await expectError(await caller(server, beta.key)(form({ number_customergauge: 1 })), 400, 400200, 'json')
  })
}
