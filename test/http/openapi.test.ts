// /openapi.json is a valid OpenAPI 3.1 document that describes every route the server serves; /docs renders it.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Validator, type SpecData } from '@seriousme/openapi-schema-validator'
import type { RouteOptions } from 'fastify'
import { buildServer } from '../../src/http/server.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { startTestServer, type TestServer } from '../helpers/server.js'

interface OpenApiDocument {
  openapi: string
  paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> }; security?: unknown[] }>>
}

/** Every (method, OpenAPI path) the app serves, hidden routes (405 handlers, the docs' own assets) left out. */
async function servedRoutes(server: TestServer): Promise<string[]> {
  const app = buildServer({ config: server.config, ctx: server.ctx })
  const routes: string[] = []
  app.addHook('onRoute', (route: RouteOptions) => {
    if ((route.schema as { hide?: boolean } | undefined)?.hide) return
    const path = route.url.replace(/:(\w+)/g, '{$1}')
    for (const method of [route.method].flat()) routes.push(`${method.toLowerCase()} ${path}`)
  })
  await app.ready()
  await app.close()
  return routes
}

async function fetchDocument(server: TestServer): Promise<OpenApiDocument> {
  const answer = await fetch(`${server.url}/openapi.json`)
  assert.equal(answer.status, 200)
  assert.match(answer.headers.get('content-type') ?? '', /^application\/json/)
  return (await answer.json()) as OpenApiDocument
}

for (const kind of TEST_DATABASES) {
  test(`[${kind.name}] GET /openapi.json validates as OpenAPI 3.1`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const document = await fetchDocument(server)
    assert.match(document.openapi, /^3\.1\./)
    const validator = new Validator()
    const result = await validator.validate(document as unknown as SpecData)
    assert.equal(result.valid, true, JSON.stringify(result.errors, null, 2)?.slice(0, 2000))
    assert.equal(validator.version, '3.1')
  })

  test(`[${kind.name}] every route the server serves is in /openapi.json, and every documented operation is served`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const document = await fetchDocument(server)
    const documented = Object.entries(document.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`))
    const served = await servedRoutes(server)
    // The surfaces this document must describe, so an empty route list cannot pass.
    for (const route of ['post /v4.1/workflow.json', 'get /api/v1/cases', 'get /api/v1/cases/{cgid}', 'post /api/v1/records', 'get /api/v1/metrics/summary', 'get /healthz']) {
      assert.ok(served.includes(route), `not served: ${route}`)
    }
    assert.deepEqual(served.filter((route) => !documented.includes(route)), [], 'served but not documented')
    assert.deepEqual(documented.filter((route) => !served.includes(route)), [], 'documented but not served')
  })

  test(`[${kind.name}] the v4.1 POST routes document a form, multipart and JSON body; the import its three formats; operations need no key`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const { paths } = await fetchDocument(server)
    for (const path of ['/v4.1/workflow', '/v4.1/workflow.json', '/v4.1/workflow.xml']) {
      const content = Object.keys(paths[path]?.post?.requestBody?.content ?? {})
      for (const type of ['application/x-www-form-urlencoded', 'multipart/form-data', 'application/json']) {
        assert.ok(content.includes(type), `${path} does not document ${type}: ${content.join(', ')}`)
      }
    }
    const importTypes = Object.keys(paths['/api/v1/records']?.post?.requestBody?.content ?? {})
    assert.deepEqual(importTypes.sort(), ['application/json', 'application/x-ndjson', 'text/csv'])
    for (const path of ['/healthz', '/readyz', '/metrics']) assert.deepEqual(paths[path]?.get?.security, [], path)
  })

  test(`[${kind.name}] /docs answers 200 with an HTML page`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    let answer = await fetch(`${server.url}/docs`)
    assert.equal(answer.status, 200)
    assert.match(answer.headers.get('content-type') ?? '', /^text\/html/)
    assert.match(await answer.text(), /<html/i)
    answer = await fetch(`${server.url}/docs/json`)
    assert.equal(answer.status, 200)
    await answer.arrayBuffer()
  })
}
