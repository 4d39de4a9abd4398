// A PostgreSQL outage: answers are 503000 with Retry-After (never 500, never a hang), and service resumes by itself.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadConfig } from '../../src/config.js'
import { buildServer } from '../../src/http/server.js'
import { openServiceContext } from '../../src/service/database.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { createTestTenant, form, post } from '../helpers/server.js'
import { startTcpProxy } from '../helpers/tcp-proxy.js'
import type { AddressInfo } from 'node:net'

const postgres = TEST_DATABASES.find((kind) => kind.name === 'postgres')
/** An answer during the outage must come back within this bound (connect timeout 3 s, plus slack). */
const OUTAGE_ANSWER_BOUND_MS = 8_000
const RECOVERY_BOUND_MS = 10_000

test('[postgres] while the database is unreachable every call answers 503000 with Retry-After; it recovers by itself', { skip: postgres ? false : 'needs FIREHOUSE_TEST_PG_URL' }, async (t) => {
  const database = await postgres!.create()
  const target = new URL(database.url)
  const proxy = await startTcpProxy(target.hostname, Number(target.port || 5432))
  const viaProxy = new URL(database.url)
  viaProxy.port = String(proxy.port)
  const ctx = await openServiceContext(viaProxy.toString(), { poolSize: 4 })
  const config = loadConfig({ FIREHOUSE_DB: viaProxy.toString(), FIREHOUSE_LOG_LEVEL: 'silent', FIREHOUSE_RATE_LIMIT: '0' })
  const app = buildServer({ config, ctx })
  await app.listen({ host: '127.0.0.1', port: 0 })
  t.after(async () => {
    await app.close()
    await ctx.store.close()
    await proxy.close()
    await database.drop()
  })
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const acme = await createTestTenant(ctx, { slug: 'acme', records: [5] })
  const update = (format = 'json'): Promise<Response> => post(`${url}/v4.1/workflow.${format}`, form({ number_customergauge: 5, status: 'PROGRESS' }), { key: acme.key })
  assert.equal((await update()).status, 200)

  proxy.cut()
  let slowestMs = 0
  for (const format of ['json', 'xml', 'json', 'json']) {
    const started = Date.now()
    const answer = await update(format)
    const body = await answer.text()
    assert.equal(answer.status, 503, body)
    assert.ok(body.includes('503000'), body)
    assert.match(answer.headers.get('retry-after') ?? '', /^\d+$/)
    assert.ok(Date.now() - started < OUTAGE_ANSWER_BOUND_MS, `answered after ${Date.now() - started} ms`)
    slowestMs = Math.max(slowestMs, Date.now() - started)
  }
  t.diagnostic(`outage: slowest 503000 answer ${slowestMs} ms`)
  assert.equal((await fetch(`${url}/readyz`)).status, 503)
  assert.equal((await fetch(`${url}/healthz`)).status, 200)

  proxy.restore()
  const restoredAt = Date.now()
  let status = 0
  while (Date.now() - restoredAt < RECOVERY_BOUND_MS) {
    status = (await update()).status
    if (status === 200) break
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  assert.equal(status, 200, 'service did not resume after the database came back')
  t.diagnostic(`recovery: first 200 ${Date.now() - restoredAt} ms after the database came back`)
  assert.equal((await fetch(`${url}/readyz`)).status, 200)
})
