// GET/PUT /api/v1/settings/workflow (SPEC §9) over real HTTP: the defaults, partial changes, admin keys only,
// strict bodies, and a change seen by the very next write (no cache).

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createApiKey } from '../../src/service/api-keys.js'
import type { WorkflowRulesJson } from '../../src/service/workflow-rules.js'
import { TEST_DATABASES, type TestDatabaseKind } from '../helpers/databases.js'
import { api, expectApiError, expectJson } from '../helpers/api-v1.js'
import { caller, createTestTenant, expectCode, expectOk, form, serverPerFile, uniqueSlug } from '../helpers/server.js'

const DEFAULTS: WorkflowRulesJson = {
  progressive: false,
  comment_on_status_change: false,
  comment_on_reassign: false,
  auto_open: { nps_min: 0, nps_max: 6, field: null },
}

const serverFor = serverPerFile()

async function setup(kind: TestDatabaseKind) {
  const server = await serverFor(kind)
  const slug = uniqueSlug()
  const acme = await createTestTenant(server.ctx, { slug, records: [1, 2] })
  const admin = (await createApiKey(server.ctx, slug, 'admin', { admin: true })).key
  const rules = (key: string) => api(server, key, '/settings/workflow')
  const put = (key: string, body: unknown, contentType = 'application/json') =>
    api(server, key, '/settings/workflow', { method: 'PUT', body: typeof body === 'string' ? body : JSON.stringify(body), contentType })
  return { server, acme, admin, rules, put }
}

for (const kind of TEST_DATABASES) {
  test(`${kind.name}: a new tenant's rules are the defaults; --no-auto-open has no auto_open rule`, async () => {
    const { server, acme, rules } = await setup(kind)
    assert.deepEqual(await expectJson(await rules(acme.key)), DEFAULTS)
    const quiet = await createTestTenant(server.ctx, { slug: uniqueSlug('quiet'), autoOpen: false })
    assert.deepEqual(await expectJson(await rules(quiet.key)), { ...DEFAULTS, auto_open: { nps_min: null, nps_max: null, field: null } })
  })

  test(`${kind.name}: PUT changes the parts it gives, answers all of them, and the next write obeys at once`, async () => {
    const { server, acme, admin, rules, put } = await setup(kind)
    const send = caller(server, acme.key)
    assert.deepEqual(await expectJson(await put(admin, { comment_on_status_change: true })), { ...DEFAULTS, comment_on_status_change: true })
    // The very next write, on the same server, is held to it: no rule is served from a cache.
    await expectCode(await send(form({ number_customergauge: 1, status: 'PROGRESS' })), 400204)
    const both = await expectJson(await put(admin, { progressive: true, auto_open: { field: 'contact_me' } }))
    const expected = { ...DEFAULTS, progressive: true, comment_on_status_change: true, auto_open: { nps_min: 0, nps_max: 6, field: 'contact_me' } }
    assert.deepEqual(both, expected)
    assert.deepEqual(await expectJson(await rules(acme.key)), expected, 'GET shows what PUT stored')
    const off = await expectJson(await put(admin, { comment_on_status_change: false, auto_open: { nps_min: null, nps_max: null } }))
    assert.deepEqual(off, { ...expected, comment_on_status_change: false, auto_open: { nps_min: null, nps_max: null, field: 'contact_me' } })
    await expectOk(await send(form({ number_customergauge: 1, status: 'PROGRESS' })), 1)
    assert.deepEqual(await expectJson(await put(admin, {})), off, 'an empty body changes nothing')
  })

  test(`${kind.name}: only an admin key may PUT (403, 200001), and a refused PUT changes nothing`, async () => {
    const { acme, rules, put } = await setup(kind)
    const message = await expectApiError(await put(acme.key, { progressive: true }), 200001)
    assert.match(message, /admin/)
    // Who asks comes before what: a malformed change from a plain key is 403 too.
    await expectApiError(await put(acme.key, { progressive: 'yes', nope: 1 }), 200001)
    assert.deepEqual(await expectJson(await rules(acme.key)), DEFAULTS)
  })

  test(`${kind.name}: a PUT body that is not exactly the rules' shape is 300001 and changes nothing`, async () => {
    const { server, acme, admin, rules, put } = await setup(kind)
    const bad: Array<[unknown, RegExp]> = [
      [{ progressive: 'true' }, /progressive must be true or false/],
      [{ progressive: 1 }, /progressive must be true or false/],
      [{ progresive: true }, /unknown field "progresive"/],
      [{ auto_open: { nps_min: null } }, /both numbers or both null/],
      [{ auto_open: { nps_min: 7, nps_max: 3 } }, /greater than nps_max/],
      [{ auto_open: { nps_min: 0, nps_max: 11 } }, /0 to 10|maximum|<= 10/],
      [{ auto_open: { nps_min: 0.5, nps_max: 6 } }, /integer or null/],
      [{ auto_open: { nps_min: '0', nps_max: 6 } }, /integer or null/],
      [{ auto_open: { field: '' } }, /field|fewer than 1|minLength/],
      [{ auto_open: { field: 'x'.repeat(101) } }, /field|more than 100|maxLength/],
      [{ auto_open: { field: 'a\u0000b' } }, /field/],
      [{ auto_open: { field: 5 } }, /string or null/],
      [{ auto_open: { sield: 'x' } }, /unknown field "auto_open.sield"/],
      [{ auto_open: 'on' }, /auto_open must be a JSON object/],
      [[], /the body must be a JSON object/],
      [null, /the body must be a JSON object/],
    ]
    for (const [body, reason] of bad) {
      const message = await expectApiError(await put(admin, body), 300001)
      assert.match(message, reason, JSON.stringify(body))
    }
    await expectApiError(await put(admin, '{"progressive": tru'), 300005)
    await expectApiError(await put(admin, 'progressive=true', 'application/x-www-form-urlencoded'), 300007)
    await expectApiError(await api(server, admin, '/settings/workflow?x=1', { method: 'PUT', body: '{}', contentType: 'application/json' }), 300001)
    assert.deepEqual(await expectJson(await rules(acme.key)), DEFAULTS)
  })

  test(`${kind.name}: rules are the tenant's own`, async () => {
    const { server, admin, put } = await setup(kind)
    const other = await createTestTenant(server.ctx, { slug: uniqueSlug('other') })
    await expectJson(await put(admin, { progressive: true }))
    assert.deepEqual(await expectJson(await api(server, other.key, '/settings/workflow')), DEFAULTS)
    const otherAdmin = (await createApiKey(server.ctx, other.slug, 'admin', { admin: true })).key
    await expectJson(await put(otherAdmin, { comment_on_reassign: true }))
    assert.equal((await expectJson<WorkflowRulesJson>(await api(server, admin, '/settings/workflow'))).comment_on_reassign, false)
  })
}
