// The parts of a route's schema that only /openapi.json shows: what the route's own code reads and checks.

/**
 * A route whose body our own parsers read (the strict form parser, the import formats) cannot
 * give Fastify a `body` schema — Fastify would validate the raw bytes against it. It names its
 * body's documentation under this key instead, and only the document shows it as the body.
 */
export const DOCUMENTED_BODY = 'documentedBody'

/**
 * Likewise for request headers the route's own code checks (in its own order, with its own
 * messages): an object schema whose properties the document shows as header parameters.
 */
export const DOCUMENTED_HEADERS = 'documentedHeaders'

export interface DocumentedBody {
  description: string
  /** Media type → the schema of a body of that type. */
  content: Record<string, { schema: unknown }>
}
