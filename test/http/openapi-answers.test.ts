// Live answers against /openapi.json: every operation's successes and errors (JSON and XML), over
// real HTTP, must be declared there — status, media type, headers — and match the schema.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createApiKey } from '../../src/service/api-keys.js'
import { createOAuthApp } from '../../src/service/oauth-apps.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createAnswerValidator, fetchOpenApi } from '../helpers/openapi-answers.js'
import { createTestTenant, form, multipart, startTestServer, type TestServer } from '../helpers/server.js'

interface Call {
  /** The path parameters, by name. */
  params?: Record<string, string | number>
  /** The query string, without '?'. */
  query?: string
  key?: string
  body?: BodyInit
  contentType?: string
  headers?: Record<string, string>
}

/** Sends a request for an operation of the document, its path built from the template. */
function send(server: TestServer, method: string, path: string, call: Call): Promise<Response> {
  const url = path.replace(/\{(\w+)\}/g, (_, name: string) => String(call.params?.[name]))
  const headers: Record<string, string> = { ...call.headers }
  if (call.key !== undefined) headers.authorization = `api_key ${call.key}`
  if (call.contentType !== undefined) headers['content-type'] = call.contentType
  return fetch(`${server.url}${url}${call.query ? `?${call.query}` : ''}`, { method: method.toUpperCase(), headers, body: call.body })
}

const WORKFLOW_OPERATIONS = ['updateWorkflowDefault', 'updateWorkflow', 'updateWorkflowXml'] as const
const KEYED_READS = ['getCase', 'listCases', 'getRecord', 'getMetricsSummary'] as const
const SETTINGS_OPERATIONS = ['getWorkflowRules', 'setWorkflowRules'] as const
const V7_OPERATIONS = ['putCloseLoopStatus', 'syncCloseLoop'] as const
/** What no test here provokes: 500 and 503 need a broken server. */
const NOT_PROVOKED = new Set([500, 503])

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] every operation's answers (200, 400, 401, 404, 409, 413, 415, 422, 429, JSON and XML) are declared in /openapi.json and match it`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const acme = await createTestTenant(server.ctx, { slug: 'acme', rateLimit: 1000, users: ['des@acme.test'], records: [12, 13, 14, 15], detractors: [13] })
    // One request a second, burst 2: its key is soon refused.
    const slow = await createTestTenant(server.ctx, { slug: 'slow', rateLimit: 1, records: [12] })
    const validator = createAnswerValidator(await fetchOpenApi(server.url))
    const expect = async (operationId: string, status: number, call: Call): Promise<string> => {
      const { method, path } = validator.operation(operationId)
      const response = await send(server, method, path, call)
      const text = await validator.check(operationId, response)
      assert.equal(response.status, status, `${operationId} ${JSON.stringify(call.query ?? call.params ?? '')}: ${text.slice(0, 300)}`)
      return text
    }
    const key = acme.key

    for (const operationId of WORKFLOW_OPERATIONS) {
      const fields = { number_customergauge: 12, status: 'PROGRESS', comment: `via ${operationId} ✓ 🚒`, assigned_to: 'des@acme.test' }
      await expect(operationId, 200, { key, body: form(fields), contentType: 'application/x-www-form-urlencoded' })
      await expect(operationId, 200, { key, body: JSON.stringify({ number_customergauge: '12', comment: 'json' }), contentType: 'application/json' })
      const parts = multipart([['number_customergauge', '13'], ['status', 'CLOSE']])
      await expect(operationId, 200, { key, body: parts.body, contentType: parts.contentType })
      const refused: Array<Record<string, string | number>> = [{ number_customergauge: 99 }, { number_customergauge: '1e3' }, { number_customergauge: 12, comment: 'a\u0001b' }, { status: 'OPEN' }]
      for (const bad of refused) {
        await expect(operationId, 400, { key, body: form(bad), contentType: 'application/x-www-form-urlencoded' })
      }
      await expect(operationId, 401, { body: form({ number_customergauge: 12 }), contentType: 'application/x-www-form-urlencoded' })
      await expect(operationId, 401, { key: 'fh_unknown', body: form({ number_customergauge: 12 }), contentType: 'application/x-www-form-urlencoded' })
      await expect(operationId, 413, { key, body: form({ number_customergauge: 12, comment: 'x'.repeat(70 * 1024) }), contentType: 'application/x-www-form-urlencoded' })
      await expect(operationId, 415, { key, body: 'number_customergauge=12', contentType: 'text/plain' })
      const idempotencyKey = `key-${operationId}`
      const keyed = (comment: string): Call => ({ key, body: form({ number_customergauge: 12, comment }), contentType: 'application/x-www-form-urlencoded', headers: { 'idempotency-key': idempotencyKey } })
      await expect(operationId, 200, keyed('first'))
      await expect(operationId, 200, keyed('first'))
      await expect(operationId, 422, keyed('second'))
      // If-Match: a malformed one is 400, a stale version 409 (400206), the current one 200.
      const based = (ifMatch: string): Call => ({ key, body: form({ number_customergauge: 15 }), contentType: 'application/x-www-form-urlencoded', headers: { 'if-match': ifMatch } })
      await expect(operationId, 400, based('W/"0"'))
      const { version } = JSON.parse(await expect('getCase', 200, { key, params: { cgid: 15 } })) as { version: number }
      await expect(operationId, 409, based(`"${version + 1}"`))
      await expect(operationId, 200, based(`"${version}"`))
    }

    await expect('getCase', 200, { key, params: { cgid: 12 } })
    await expect('getCase', 200, { key, params: { cgid: 14 } })
    for (const cgid of ['abc', '0x10', '1e3', '0', '9007199254740992']) await expect('getCase', 400, { key, params: { cgid } })
    await expect('getCase', 404, { key, params: { cgid: 99 } })
    await expect('getRecord', 200, { key, params: { cgid: 13 } })
    for (const cgid of ['abc', '0x10', '1e3']) await expect('getRecord', 400, { key, params: { cgid } })
    await expect('getRecord', 404, { key, params: { cgid: 99 } })

    const page = JSON.parse(await expect('listCases', 200, { key, query: 'per_page=1&status=in-progress&updated_since=2020-01-01' })) as { next_cursor: string }
    await expect('listCases', 200, { key, query: `per_page=1&status=PROGRESS&updated_since=2020-01-01&cursor=${encodeURIComponent(page.next_cursor)}` })
    await expect('listCases', 200, { key, query: `assigned_to=des%40acme.test&updated_since=${encodeURIComponent('2020-01-01T00:00:00.000Z')}` })
    for (const query of ['per_page=0x10', 'per_page=1e3', 'per_page=0', 'status=DONE', 'updated_since=yesterday', 'cursor=nope', 'update_since=2026-01-01']) {
      await expect('listCases', 400, { key, query })
    }
    await expect('getMetricsSummary', 200, { key })
    await expect('getMetricsSummary', 200, { key, query: `from=2020-01-01&to=${encodeURIComponent('2100-01-01T00:00:00+01:00')}` })
    await expect('getMetricsSummary', 400, { key, query: 'from=yesterday' })

    const records = [{ number_customergauge: 20, nps: 3, comment: 'Slow answer', date_creation: '2026-11-27' }]
    await expect('importRecords', 200, { key, body: JSON.stringify(records), contentType: 'application/json' })
    await expect('importRecords', 200, { key, body: `${JSON.stringify(records[0])}\n`, contentType: 'application/x-ndjson' })
    await expect('importRecords', 200, { key, body: 'number_customergauge,nps\n21,9\n', contentType: 'text/csv' })
    await expect('importRecords', 400, { key, body: '[{"number_customergauge":"x"}]', contentType: 'application/json' })
    await expect('importRecords', 413, { key, body: `[${' '.repeat(10 * 1024 * 1024)}]`, contentType: 'application/json' })
    await expect('importRecords', 415, { key, body: 'number_customergauge\n1\n', contentType: 'text/plain' })

    const admin = (await createApiKey(server.ctx, 'acme', 'admin', { admin: true })).key
    const rules = (body: string): Call => ({ key: admin, body, contentType: 'application/json' })
    await expect('getWorkflowRules', 200, { key })
    await expect('getWorkflowRules', 400, { key, query: 'x=1' })
    await expect('setWorkflowRules', 200, rules('{"comment_on_reassign": true, "auto_open": {"nps_min": null, "nps_max": null, "field": "contact_me"}}'))
    await expect('setWorkflowRules', 200, rules('{"comment_on_reassign": false, "auto_open": {"nps_min": 0, "nps_max": 6, "field": null}}'))
    await expect('setWorkflowRules', 400, rules('{"progressive": "yes"}'))
    await expect('setWorkflowRules', 403, { key, body: '{"progressive": true}', contentType: 'application/json' })
    await expect('setWorkflowRules', 413, rules(`{"x": "${'x'.repeat(70 * 1024)}"}`))
    await expect('setWorkflowRules', 415, { key: admin, body: 'progressive=true', contentType: 'application/x-www-form-urlencoded' })

    const v7 = (body: unknown, headers?: Record<string, string>): Call => ({
      key,
      body: typeof body === 'string' ? body : JSON.stringify(body),
      contentType: 'application/json',
      ...(headers ? { headers } : {}),
    })
    await expect('putCloseLoopStatus', 200, v7({ number_customergauge: 14, status: 'progress', note: 'v7 ✓ 🚒', happened_at: '2026-01-01 10:00:00' }))
    await expect('putCloseLoopStatus', 200, v7({ number_customergauge: '14', status: 'closed', note: null, happened_at: null }))
    for (const bad of [{ number_customergauge: 14, status: 'CLOSED' }, { number_customergauge: 14 }, { number_customergauge: 14, status: 'open', x: 1 }, '{', { number_customergauge: 14, status: 'open', happened_at: 'now' }]) {
      await expect('putCloseLoopStatus', 400, v7(bad))
    }
    await expect('putCloseLoopStatus', 404, v7({ number_customergauge: 99, status: 'open' }))
    await expect('putCloseLoopStatus', 409, v7({ number_customergauge: 14, status: 'open' }, { 'if-match': '"0"' }))
    await expect('putCloseLoopStatus', 200, v7({ number_customergauge: 14, status: 'closed' }, { 'idempotency-key': 'v7-once' }))
    await expect('putCloseLoopStatus', 200, v7({ number_customergauge: 14, status: 'closed' }, { 'idempotency-key': 'v7-once' }))
    await expect('putCloseLoopStatus', 422, v7({ number_customergauge: 14, status: 'open' }, { 'idempotency-key': 'v7-once' }))
    await expect('putCloseLoopStatus', 413, v7({ number_customergauge: 14, status: 'open', note: 'x'.repeat(70 * 1024) }))
    await expect('putCloseLoopStatus', 415, { key, body: 'number_customergauge=14&status=open', contentType: 'application/x-www-form-urlencoded' })
    const v7Page = JSON.parse(await expect('syncCloseLoop', 200, { key, query: 'per_page=1' })) as { cursor: number }
    await expect('syncCloseLoop', 200, { key, query: `per_page=1000&cursor=${v7Page.cursor}&updated_at%5Bstart%5D=2020-01-01&updated_at%5Bend%5D=2100-12-31` })
    await expect('syncCloseLoop', 200, { key, query: 'cursor=9007199254740991' })
    for (const query of ['per_page=0', 'cursor=-1', 'cursor=9007199254740992', 'updated_at%5Bstart%5D=2026-02-30', 'updated_at%5Bstart%5D=2026-02-02&updated_at%5Bend%5D=2026-02-01', 'updated_since=2026-01-01']) {
      await expect('syncCloseLoop', 400, { key, query })
    }

    for (const operationId of [...KEYED_READS, ...SETTINGS_OPERATIONS, ...V7_OPERATIONS, 'importRecords']) {
      const { path } = validator.operation(operationId)
      const params = path.includes('{cgid}') ? { params: { cgid: 12 } } : {}
      await expect(operationId, 401, { ...params })
      await expect(operationId, 401, { ...params, key: 'fh_unknown' })
    }

    for (const operationId of ['getLiveness', 'getReadiness', 'getPrometheusMetrics']) await expect(operationId, 200, {})

    // Connected apps (SPEC §10): the token endpoint's answers, and a bearer token where a key goes.
    const app = await createOAuthApp(server.ctx, 'acme', 'Desk')
    const tokenForm = (fields: Record<string, string>): Call => ({ body: new URLSearchParams(fields).toString(), contentType: 'application/x-www-form-urlencoded' })
    const good = { grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret }
    const { access_token: token } = JSON.parse(await expect('issueToken', 200, tokenForm(good))) as { access_token: string }
    const basic = `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`
    await expect('issueToken', 200, { ...tokenForm({ grant_type: 'client_credentials' }), headers: { authorization: basic } })
    await expect('issueToken', 400, tokenForm({ ...good, grant_type: 'password' }))
    await expect('issueToken', 400, { body: JSON.stringify(good), contentType: 'application/json' })
    await expect('issueToken', 401, tokenForm({ ...good, client_secret: 'fhs_wrong' }))
    const bearer = { authorization: `Bearer ${token}` }
    await expect('updateWorkflow', 200, { body: form({ number_customergauge: 12, comment: 'by the app' }), contentType: 'application/x-www-form-urlencoded', headers: bearer })
    await expect('getCase', 200, { params: { cgid: 12 }, headers: bearer })
    await expect('getCase', 401, { params: { cgid: 12 }, headers: { authorization: 'Bearer fht_unknown' } })
    const slowApp = await createOAuthApp(server.ctx, 'slow', 'Slow desk')
    let tokenStatus = 0
    for (let attempt = 0; attempt < 10 && tokenStatus !== 429; attempt++) {
      const { method, path } = validator.operation('issueToken')
      const response = await send(server, method, path, tokenForm({ grant_type: 'client_credentials', client_id: slowApp.clientId, client_secret: 'fhs_guess' }))
      await validator.check('issueToken', response)
      tokenStatus = response.status
    }
    assert.equal(tokenStatus, 429, 'issueToken was never refused')

    // The slow tenant's key: each operation is called until it is refused.
    const calls: Record<string, Call> = {
      getCase: { params: { cgid: 12 } },
      getRecord: { params: { cgid: 12 } },
      listCases: {},
      getMetricsSummary: {},
      importRecords: { body: 'number_customergauge\n12\n', contentType: 'text/csv' },
      getWorkflowRules: {},
      setWorkflowRules: { body: '{}', contentType: 'application/json' },
      putCloseLoopStatus: { body: '{"number_customergauge": 12, "status": "open"}', contentType: 'application/json' },
      syncCloseLoop: {},
      ...Object.fromEntries(WORKFLOW_OPERATIONS.map((id) => [id, { body: form({ number_customergauge: 12 }), contentType: 'application/x-www-form-urlencoded' }])),
    }
    for (const [operationId, call] of Object.entries(calls)) {
      const { method, path } = validator.operation(operationId)
      let status = 0
      for (let attempt = 0; attempt < 10 && status !== 429; attempt++) {
        const response = await send(server, method, path, { ...call, key: slow.key })
        await validator.check(operationId, response)
        status = response.status
      }
      assert.equal(status, 429, `${operationId} was never refused`)
    }

    // Every status the document declares was answered, but those no test here can provoke.
    const missing: string[] = []
    for (const { operationId, status } of declaredStatuses(validator)) {
      if (NOT_PROVOKED.has(status)) continue
      if (!validator.seen.some((seen) => seen.operationId === operationId && seen.status === status)) missing.push(`${operationId} ${status}`)
    }
    assert.deepEqual(missing, [], 'declared but never answered')
  })

  test(`[${kind.name}] an answer whose status the operation does not declare fails the check`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const validator = createAnswerValidator(await fetchOpenApi(server.url))
    const undeclared = new Response('{"Error":{"Message":"Method does not exist","Code":300003}}', {
      status: 405,
      headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': crypto.randomUUID() },
    })
    await assert.rejects(validator.check('getCase', undeclared), /undeclared status/)
    const wrongType = new Response('<Data><number_customergauge>12</number_customergauge></Data>', {
      status: 200,
      headers: { 'content-type': 'application/xml; charset=utf-8', 'x-request-id': crypto.randomUUID() },
    })
    await assert.rejects(validator.check('updateWorkflow', wrongType), /undeclared media type/)
  })
}

function declaredStatuses(validator: ReturnType<typeof createAnswerValidator>): Array<{ operationId: string; status: number }> {
  const all: Array<{ operationId: string; status: number }> = []
  for (const operationId of [...WORKFLOW_OPERATIONS, ...KEYED_READS, ...SETTINGS_OPERATIONS, ...V7_OPERATIONS, 'importRecords', 'getLiveness', 'getReadiness', 'getPrometheusMetrics', 'issueToken']) {
    for (const status of Object.keys(validator.operation(operationId).operation.responses)) all.push({ operationId, status: Number(status) })
  }
  return all
}
