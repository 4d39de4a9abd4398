// /openapi.json (OpenAPI 3.1, generated from the route schemas) and the /docs page that renders it.

import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance, FastifySchema } from 'fastify'

/**
 * A route whose body our own parsers read (the strict form parser, the import formats) cannot
 * give Fastify a `body` schema — Fastify would validate the raw bytes against it. It names its
 * body's documentation under this key instead, and only the document shows it as the body.
 */
export const DOCUMENTED_BODY = 'documentedBody'

export interface DocumentedBody {
  description: string
  /** Media type → the schema of a body of that type. */
  content: Record<string, { schema: unknown }>
}

/** The version of the API surfaces this server describes (not the package's). */
const API_VERSION = '1.0.0'

/** Registers the generator and its two routes; must run before the routes it describes. */
export function registerOpenApi(app: FastifyInstance): void {
  app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Firehouse',
        version: API_VERSION,
        description: 'Closed-loop feedback workflow service: the CustomerGauge Workflow API v4.1 and the native API (/api/v1).',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'Send "Authorization: api_key <KEY>"' },
        },
      },
      security: [{ apiKey: [] }],
    },
    transform: ({ schema, url }) => ({ schema: withDocumentedBody(schema), url }),
  })
  app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } })
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
}

function withDocumentedBody(schema: FastifySchema | undefined): FastifySchema {
  const documented = (schema as Record<string, unknown> | undefined)?.[DOCUMENTED_BODY] as DocumentedBody | undefined
  if (!schema || !documented) return schema ?? {}
  const { [DOCUMENTED_BODY]: _omit, ...rest } = schema as Record<string, unknown>
  return { ...rest, body: { description: documented.description, content: documented.content } }
}
