// Checks live answers against /openapi.json: the status is declared for the operation, the media
// type, the declared headers and the body match it (JSON Schema 2020-12 by Ajv; XML by its root).

import assert from 'node:assert/strict'
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { XMLParser } from 'fast-xml-parser'

export interface OpenApiDocument {
  openapi: string
  paths: Record<string, Record<string, Operation>>
  components: { schemas: Record<string, SchemaObject>; securitySchemes?: Record<string, { description?: string }> }
  servers?: Array<{ url: string }>
  [key: string]: unknown
}

export interface Operation {
  operationId?: string
  parameters?: Array<{ name: string; in: string; schema: SchemaObject; required?: boolean }>
  requestBody?: { content: Record<string, { schema: SchemaObject }> }
  responses: Record<string, ResponseObject>
  security?: unknown[]
  tags?: string[]
}

export interface ResponseObject {
  description: string
  headers?: Record<string, { schema: SchemaObject; required?: boolean }>
  content?: Record<string, { schema: SchemaObject }>
}

export type SchemaObject = Record<string, unknown>

/** One operation's answer, as a test saw it. */
export interface Seen {
  operationId: string
  status: number
}

const DOCUMENT_ID = 'https://firehouse.test/openapi.json'

/** JSON Pointer escaping of one reference token (RFC 6901). */
const pointer = (...tokens: string[]) => tokens.map((token) => token.replaceAll('~', '~0').replaceAll('/', '~1')).join('/')

/**
 * The document as Ajv sees it: one schema whose sub-schemas are compiled by JSON Pointer, so every
 * `$ref: '#/components/schemas/…'` resolves inside it. Answers in XML carry text: their validator
 * coerces "12" to 12 as an XML reader would, the JSON one coerces nothing.
 */
export function createAnswerValidator(document: OpenApiDocument) {
  const make = (coerceTypes: boolean) => {
    const ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true, coerceTypes })
    addFormats.default(ajv)
    ajv.addSchema(document, DOCUMENT_ID)
    return ajv
  }
  const json = make(false)
  const xml = make(true)
  const compiled = new Map<string, ValidateFunction>()
  const compile = (ajv: Ajv2020, path: string): ValidateFunction => {
    const key = `${ajv === xml ? 'xml' : 'json'} ${path}`
    let validate = compiled.get(key)
    if (!validate) {
      validate = ajv.getSchema(`${DOCUMENT_ID}#/${path}`)
      assert.ok(validate, `no schema at ${path}`)
      compiled.set(key, validate)
    }
    return validate
  }
  const seen: Seen[] = []

  return {
    seen,
    /** The operation (method, path template) by its operationId. */
    operation(operationId: string): { method: string; path: string; operation: Operation } {
      for (const [path, operations] of Object.entries(document.paths)) {
        for (const [method, operation] of Object.entries(operations)) {
          if (operation.operationId === operationId) return { method, path, operation }
        }
      }
      return assert.fail(`no operation ${operationId} in the document`)
    },

    /**
     * Fails unless `response` is one the document allows for `operationId`: a declared status
     * (no ranges, no default), a declared media type, every required header, every declared header's
     * value, and the body against the schema. Returns the body's text.
     */
    async check(operationId: string, response: Response): Promise<string> {
      const { method, path, operation } = this.operation(operationId)
      const text = await response.text()
      const where = `${operationId} (${method.toUpperCase()} ${path}) answered ${response.status}: ${text.slice(0, 300)}`
      const declared = operation.responses[String(response.status)]
      assert.ok(declared, `undeclared status: ${where}; declared: ${Object.keys(operation.responses).join(', ')}`)
      seen.push({ operationId, status: response.status })
      const base = pointer('paths', path, method, 'responses', String(response.status))
      for (const [name, header] of Object.entries(declared.headers ?? {})) {
        const value = response.headers.get(name)
        if (value === null) {
          assert.ok(!header.required, `required header ${name} missing: ${where}`)
          continue
        }
        const parsed = header.schema.type === 'integer' ? (/^[0-9]+$/.test(value) ? Number(value) : value) : value
        const validate = compile(json, `${base}/${pointer('headers', name, 'schema')}`)
        assert.ok(validate(parsed), `header ${name}: ${value} does not match ${JSON.stringify(header.schema)}: ${where}`)
      }
      const mediaType = (response.headers.get('content-type') ?? '').split(';', 1)[0]!.trim()
      const content = declared.content?.[mediaType]
      assert.ok(content, `undeclared media type ${mediaType}: ${where}; declared: ${Object.keys(declared.content ?? {}).join(', ')}`)
      const schemaPath = `${base}/${pointer('content', mediaType, 'schema')}`
      if (mediaType === 'application/json') {
        const validate = compile(json, schemaPath)
        assert.ok(validate(JSON.parse(text)), `body does not match the schema: ${JSON.stringify(validate.errors)}: ${where}`)
      } else if (mediaType === 'application/xml') {
        const validate = compile(xml, schemaPath)
        const root = xmlRootName(document, content.schema)
        const parsed = new XMLParser({ parseTagValue: false, ignoreDeclaration: true }).parse(text) as Record<string, unknown>
        assert.deepEqual(Object.keys(parsed), [root], `the XML root is not <${root}>: ${where}`)
        assert.ok(validate(parsed[root]), `body does not match the schema: ${JSON.stringify(validate.errors)}: ${where}`)
      } else {
        const validate = compile(json, schemaPath)
        assert.ok(validate(text), `body does not match the schema: ${JSON.stringify(validate.errors)}: ${where}`)
      }
      return text
    },
  }
}

/** The element name an XML answer of `schema` has: its (referenced) schema's xml.name. */
function xmlRootName(document: OpenApiDocument, schema: SchemaObject): string {
  const target = typeof schema.$ref === 'string' ? document.components.schemas[schema.$ref.replace('#/components/schemas/', '')] : schema
  const name = (target?.xml as { name?: unknown } | undefined)?.name
  assert.equal(typeof name, 'string', `an XML answer's schema names no root element: ${JSON.stringify(schema)}`)
  return name as string
}

/** Fetches /openapi.json from a running server. */
export async function fetchOpenApi(url: string): Promise<OpenApiDocument> {
  const answer = await fetch(`${url}/openapi.json`)
  assert.equal(answer.status, 200)
  return (await answer.json()) as OpenApiDocument
}
