// /openapi.json (OpenAPI 3.1, generated from the route schemas) and the /docs page that renders it.

import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance, FastifySchema } from 'fastify'
import { API_V1_SCHEMAS } from './schemas/api-v1.js'
import { DOCUMENTED_BODY, DOCUMENTED_HEADERS, type DocumentedBody } from './schemas/documented.js'
import { OAUTH_SCHEMAS } from './schemas/oauth.js'
import { RECORD_SCHEMAS } from './schemas/records.js'
import { SETTINGS_SCHEMAS } from './schemas/settings.js'
import { WEBHOOK_SCHEMAS } from './schemas/webhooks.js'
import { V7_SCHEMAS } from './schemas/v7.js'
import { WORKFLOW_V41_SCHEMAS } from './schemas/workflow-v41.js'

export { DOCUMENTED_BODY, DOCUMENTED_HEADERS, type DocumentedBody }

/** The version of the API surfaces this server describes (not the package's). */
const API_VERSION = '1.0.0'

/** Every named schema: registered once on the root, so every route can `$ref` it, and listed in components.schemas. */
const NAMED_SCHEMAS = [...WORKFLOW_V41_SCHEMAS, ...API_V1_SCHEMAS, ...RECORD_SCHEMAS, ...WEBHOOK_SCHEMAS, ...SETTINGS_SCHEMAS, ...V7_SCHEMAS, ...OAUTH_SCHEMAS]

/** Alphabetical, as OpenAPI linters expect. */
const TAGS = [
  { name: 'cases', description: 'Cases and the sync feed (SPEC §4, §5)' },
  { name: 'close loop v7', description: "CustomerGauge's v7 Close the Loop: a case's status by PUT, and the feed by an integer cursor (SPEC §10)" },
  { name: 'metrics', description: 'Counts and SLA timings' },
  { name: 'oauth', description: 'Bearer tokens for connected apps (OAuth2 client credentials, SPEC §10)' },
  { name: 'operations', description: 'Liveness, readiness and Prometheus metrics; no API key' },
  { name: 'records', description: 'Survey records and their bulk import' },
  { name: 'settings', description: "The tenant's workflow rules (SPEC §9); admin keys change them" },
  { name: 'webhooks', description: 'Endpoints that are sent the tenant\'s case events, and their delivery log (SPEC §8)' },
  { name: 'workflow v4.1', description: 'The CustomerGauge Workflow API v4.1, wire-compatible: JSON or XML by the path\'s extension' },
]

/**
 * Relative: the paths are on the server that served this document, whichever address it was
 * reached by (a proxy, a load balancer, 127.0.0.1); a URL written here would be wrong behind one.
 * `x-internal: false` tells documentation tools the API is meant for outside callers.
 */
const SERVER = { url: '/', description: 'The server that served this document (production, staging or local)', 'x-internal': false }

const API_KEY_DESCRIPTION =
  'Send the header exactly as `Authorization: api_key <KEY>`: the word api_key (any letter case), one space, then the key (fh_…). ' +
  'A generator that fills an apiKey scheme with the value as given must be given the whole value "api_key <KEY>", not the key alone. ' +
  'A key in the query string is not read.'

const BEARER_DESCRIPTION =
  'A connected app\'s access token (fht_…) from POST /oauth2/token (operation issueToken), sent as `Authorization: Bearer <TOKEN>`. ' +
  'It works wherever an API key does, in its tenant, until it expires (expires_in) or its app is revoked; it is never an admin key.'

const CLIENT_BASIC_DESCRIPTION =
  'For POST /oauth2/token only: a connected app\'s client id and secret (RFC 6749 §2.3.1: each form-encoded, then base64 of id:secret). ' +
  'The body may carry client_id and client_secret instead, never both.'

/** Registers the named schemas, the generator and its two routes; must run before the routes it describes. */
export function registerOpenApi(app: FastifyInstance): void {
  for (const schema of NAMED_SCHEMAS) app.addSchema(schema)
  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Firehouse',
        version: API_VERSION,
        description: 'Closed-loop feedback workflow service: the CustomerGauge Workflow API v4.1, the native API (/api/v1), the CustomerGauge v7 Close the Loop calls (/v7) and OAuth2 tokens for connected apps (/oauth2/token).',
        license: { name: 'MIT', url: 'https://spdx.org/licenses/MIT.html' },
        // Firehouse is self-hosted: whoever runs this server answers for it.
        contact: { name: 'The operator of this Firehouse server' },
      },
      servers: [SERVER],
      tags: TAGS,
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: API_KEY_DESCRIPTION },
          bearer: { type: 'http', scheme: 'bearer', description: BEARER_DESCRIPTION },
          clientBasic: { type: 'http', scheme: 'basic', description: CLIENT_BASIC_DESCRIPTION },
        },
      },
      // Either one: an API key or a bearer token.
      security: [{ apiKey: [] }, { bearer: [] }],
    },
    // The board's pages (HTML for browsers, signed-in sessions; src/web) carry no tag: they are no API.
    hideUntagged: true,
    // Named schemas keep their names (`#/components/schemas/Case`), not `def-0`.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform: ({ schema, url }) => ({ schema: withDocumentedParts(schema), url }),
    transformObject: (document) => ('openapiObject' in document ? withRequiredHeaders(document.openapiObject) : document.swaggerObject),
  })
  app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}

/** The route's schema with the parts only the document shows (DOCUMENTED_BODY, DOCUMENTED_HEADERS) where Fastify's keys would put them. */
function withDocumentedParts(schema: FastifySchema | undefined): FastifySchema {
  if (!schema) return {}
  const { [DOCUMENTED_BODY]: body, [DOCUMENTED_HEADERS]: headers, ...rest } = schema as Record<string, unknown>
  const documented: Record<string, unknown> = { ...rest }
  if (body) {
    const { description, content } = body as DocumentedBody
    documented.body = { description, content }
  }
  if (headers) documented.headers = headers
  return documented as FastifySchema
}

/**
 * A response header's schema says `x-required: true` where the header is on every such answer:
 * the generator copies the schema as it is, and the Header Object's `required` is set here.
 */
function withRequiredHeaders<T>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, { responses?: Record<string, { headers?: Record<string, HeaderObject> }> }>> }).paths
  for (const operations of Object.values(paths ?? {})) {
    for (const operation of Object.values(operations)) {
      for (const response of Object.values(operation.responses ?? {})) {
        for (const header of Object.values(response.headers ?? {})) {
          const { 'x-required': required, ...schema } = header.schema
          header.schema = schema
          if (required === true) header.required = true
        }
      }
    }
  }
  return document
}

interface HeaderObject {
  schema: Record<string, unknown>
  required?: boolean
}
