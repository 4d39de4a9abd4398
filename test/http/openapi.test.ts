// /openapi.json is a valid OpenAPI 3.1 document that describes every API route the server serves,
// each with a stable operationId and named schemas; /docs renders it.

import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Validator, type SpecData } from '@seriousme/openapi-schema-validator'
import type { RouteOptions } from 'fastify'
import { buildServer } from '../../src/http/server.js'
import { TEST_DATABASES } from '../helpers/databases.js'
import { startTestServer, type TestServer } from '../helpers/server.js'

interface OpenApiDocument {
  openapi: string
  paths: Record<string, Record<string, { operationId?: string; requestBody?: { content?: Record<string, unknown> }; security?: unknown[] }>>
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, { description?: string }> }
  servers?: Array<{ url: string }>
}

/** The board's pages (src/web): HTML for signed-in people, no API; /openapi.json leaves them out. */
const BOARD_PAGE = /^\/(assets\/|login|logout|board|cases\/|live|insights|settings|$)/

/** Every (method, OpenAPI path) the app serves, hidden routes (the docs' own assets) and the board's pages left out. */
async function servedRoutes(server: TestServer): Promise<string[]> {
  const app = buildServer({ config: server.config, ctx: server.ctx })
  const routes: string[] = []
  app.addHook('onRoute', (route: RouteOptions) => {
    if ((route.schema as { hide?: boolean } | undefined)?.hide || BOARD_PAGE.test(route.url)) return
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

  test(`[${kind.name}] every operation has a unique camelCase operationId; the ones integrators use keep theirs`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const { paths } = await fetchDocument(server)
    const ids = Object.entries(paths).flatMap(([path, operations]) => Object.entries(operations).map(([method, operation]) => [`${method} ${path}`, operation.operationId]))
    for (const [route, id] of ids) assert.match(String(id), /^[a-z][A-Za-z0-9]*$/, `${route}: ${id}`)
    assert.equal(new Set(ids.map(([, id]) => id)).size, ids.length, 'operationIds repeat')
    const stable = {
      'post /v4.1/workflow': 'updateWorkflowDefault',
      'post /v4.1/workflow.json': 'updateWorkflow',
      'post /v4.1/workflow.xml': 'updateWorkflowXml',
      'get /api/v1/cases/{cgid}': 'getCase',
      'get /api/v1/cases': 'listCases',
      'get /api/v1/records/{cgid}': 'getRecord',
      'post /api/v1/records': 'importRecords',
      'get /api/v1/metrics/summary': 'getMetricsSummary',
      'get /healthz': 'getLiveness',
      'get /readyz': 'getReadiness',
      'get /metrics': 'getPrometheusMetrics',
    }
    for (const [route, id] of Object.entries(stable)) assert.equal(Object.fromEntries(ids)[route], id, route)
  })

  test(`[${kind.name}] the shapes are named schemas used by $ref, CG-IDs are int64, the key's scheme says "api_key <KEY>", the server is relative`, async (t) => {
    const server = await startTestServer(kind)
    t.after(server.close)
    const document = await fetchDocument(server)
    const text = JSON.stringify(document)
    for (const name of ['Case', 'HistoryEntry', 'CasePage', 'SurveyRecord', 'SurveyRecordInput', 'ImportReport', 'MetricsSummary', 'Error', 'ErrorDetail', 'WorkflowInput', 'WorkflowResult', 'WorkflowData']) {
      assert.ok(document.components.schemas[name], `no components.schemas.${name}`)
      assert.ok(text.includes(`"$ref":"#/components/schemas/${name}"`), `${name} is never referenced`)
    }
    const cgids = cgidSchemas(document)
    assert.ok(cgids.length >= 7, `only ${cgids.length} CG-ID schemas found`)
    for (const cgid of cgids) {
      // A nullable one: its non-null branch.
      const schema = ((cgid.anyOf as Array<Record<string, unknown>> | undefined)?.find((branch) => branch.type !== 'null') ?? cgid)
      assert.deepEqual([schema.type, schema.format, schema.minimum, schema.maximum], ['integer', 'int64', 1, Number.MAX_SAFE_INTEGER], JSON.stringify(cgid))
    }
    assert.match(document.components.securitySchemes.apiKey?.description ?? '', /Authorization: api_key <KEY>/)
    assert.deepEqual(document.servers?.map((server) => server.url), ['/'])
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

/** Every schema of a CG-ID in the document: number_customergauge properties and cgid parameters. */
function cgidSchemas(node: unknown, found: Array<Record<string, unknown>> = []): Array<Record<string, unknown>> {
  if (Array.isArray(node)) for (const item of node) cgidSchemas(item, found)
  else if (node !== null && typeof node === 'object') {
    const object = node as Record<string, unknown>
    if (object.name === 'cgid' && object.in === 'path') found.push(object.schema as Record<string, unknown>)
    const properties = object.properties as Record<string, Record<string, unknown>> | undefined
    if (properties?.number_customergauge) found.push(properties.number_customergauge)
    for (const value of Object.values(object)) cgidSchemas(value, found)
  }
  return found
}
